"""A generic OAuth 2.0 client: Authorization Code with PKCE (S256), code exchange and token refresh.

Platforms (X, LinkedIn) describe themselves with an `OAuthClient`; tokens travel as a `TokenSet`, stored as
JSON in the account's secret. Refresh tokens may rotate: `refresh_tokens` hands the new set to the caller's
`save` callback and only returns it (for use) once `save` returned, so the newest refresh token is always
stored before the new access token is used. Token values never appear in reprs or error messages.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.errors import AuthExpired, ConnectorError, PermanentError, TransientError
from connectors.http import HttpClient, HttpResponse, safe_url

EXPIRY_MARGIN_SECONDS = 60.0
"""A token this close to its expiry counts as expired (requests take time)."""


class TokenSet(BaseModel):
    """An access token, the refresh token that renews it (if any) and when the access token expires."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    access_token: str = Field(min_length=1, repr=False)
    refresh_token: str | None = Field(default=None, repr=False)
    expires_at: float | None = None
    """Unix epoch seconds; None when the platform did not say."""
    scope: str = ""
    token_type: str = "bearer"

    def expired(self, now: float | None = None, margin: float = EXPIRY_MARGIN_SECONDS) -> bool:
        """Whether the access token has expired (or will within `margin` seconds)."""
        if self.expires_at is None:
            return False
        return (time.time() if now is None else now) + margin >= self.expires_at

    def to_json(self) -> str:
        """The set as compact JSON, the form the credential store keeps."""
        return self.model_dump_json(exclude_defaults=False)

    @classmethod
    def from_json(cls, text: str) -> TokenSet | None:
        """Read a stored set; None when `text` is not a token set (a plain access token, say)."""
        stripped = text.strip()
        if not stripped.startswith("{"):
            return None
        try:
            return cls.model_validate_json(stripped)
        except ValidationError:
            return None

    @classmethod
    def from_response(
        cls, body: Any, *, now: float | None = None, previous: TokenSet | None = None
    ) -> TokenSet:
        """Build a set from a token endpoint's JSON answer (`expires_in` becomes `expires_at`)."""
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("access_token"), str)
            or not body["access_token"]
        ):
            raise PermanentError("the token endpoint answered without an access token", fix="log in again")
        expires_in = body.get("expires_in")
        expires_at = None
        if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) and expires_in > 0:
            expires_at = (time.time() if now is None else now) + float(expires_in)
        refresh = body.get("refresh_token")
        if not isinstance(refresh, str) or not refresh:
            refresh = previous.refresh_token if previous is not None else None
        return cls(
            access_token=body["access_token"],
            refresh_token=refresh,
            expires_at=expires_at,
            scope=str(body.get("scope") or (previous.scope if previous else "")),
            token_type=str(body.get("token_type") or "bearer"),
        )


@dataclass(frozen=True)
class OAuthClient:
    """One platform app: where to authorize and exchange tokens, the client id (and secret), the scopes."""

    authorize_url: str
    token_url: str
    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    scopes: Sequence[str] = ()
    extra_authorize_params: Mapping[str, str] = field(default_factory=dict)
    client_auth: Literal["basic", "body"] = "basic"
    """How a confidential client authenticates at the token endpoint: HTTP Basic, or `client_secret` in the form."""


@dataclass(frozen=True)
class AuthorizeRequest:
    """A prepared authorization: the URL to open, the `state` to check and the PKCE verifier to keep."""

    url: str
    state: str
    redirect_uri: str
    code_verifier: str = field(repr=False)


def pkce_pair() -> tuple[str, str]:
    """A fresh PKCE code verifier (43+ characters) and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    return verifier, s256_challenge(verifier)


def s256_challenge(verifier: str) -> str:
    """The S256 code challenge of a verifier: base64url(sha256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_request(client: OAuthClient, redirect_uri: str) -> AuthorizeRequest:
    """Build the authorization URL with a random `state` and an S256 PKCE challenge."""
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    params = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(client.scopes),
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **dict(client.extra_authorize_params),
    }
    joiner = "&" if "?" in client.authorize_url else "?"
    url = client.authorize_url + joiner + urlencode(params)
    return AuthorizeRequest(url=url, state=state, redirect_uri=redirect_uri, code_verifier=verifier)


def _token_error_hook(response: HttpResponse, method: str) -> ConnectorError | None:
    """Token endpoint refusals: an invalid or used grant means logging in again."""
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        body = None
    code = str(body.get("error", "")) if isinstance(body, dict) else ""
    if response.status in (400, 401) and code in {"invalid_grant", "invalid_request", "invalid_client", ""}:
        what = {
            "invalid_grant": "the sign-in grant was refused (expired, revoked or already used)",
            "invalid_client": "the app's client id or secret was refused",
        }.get(code, f"the token request was refused (HTTP {response.status})")
        return AuthExpired(f"{response.account}: {safe_url(response.url)}: {what}", fix="log in again")
    if response.status >= 500:
        return TransientError(
            f"{response.account}: {safe_url(response.url)} failed on the server (HTTP {response.status})",
            fix="try again later",
        )
    return None


def token_http(account: str, **kwargs: Any) -> HttpClient:
    """An HTTP client suited to token endpoints (their refusals become `AuthExpired`)."""
    return HttpClient(account=account, error_hook=_token_error_hook, **kwargs)


async def _token_request(http: HttpClient, client: OAuthClient, form: dict[str, str]) -> Any:
    auth: tuple[str, str] | None = None
    if client.client_secret and client.client_auth == "basic":
        auth = (client.client_id, client.client_secret)  # confidential client: HTTP Basic
    else:
        form["client_id"] = client.client_id
        if client.client_secret:
            form["client_secret"] = client.client_secret  # LinkedIn takes the secret in the form
    response = await http.post(client.token_url, data=form, auth=auth)
    return response.json()


async def exchange_code(
    http: HttpClient, client: OAuthClient, request: AuthorizeRequest, code: str
) -> TokenSet:
    """Trade an authorization code (with the request's PKCE verifier) for a token set."""
    body = await _token_request(
        http,
        client,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": request.redirect_uri,
            "code_verifier": request.code_verifier,
        },
    )
    return TokenSet.from_response(body)


async def refresh_tokens(
    http: HttpClient, client: OAuthClient, tokens: TokenSet, save: Callable[[TokenSet], None]
) -> TokenSet:
    """Renew `tokens`, hand the new set to `save` (which must store it) and only then return it.

    If `save` raises, the new set is not returned: the caller goes on without it and the error (wrapped as
    `AuthExpired` unless it is already a connector error) tells the user to log in again, since the
    platform has already retired the old refresh token.
    """
    if not tokens.refresh_token:
        raise AuthExpired("the access token expired and there is no refresh token", fix="log in again")
    body = await _token_request(
        http, client, {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token}
    )
    fresh = TokenSet.from_response(body, previous=tokens)
    try:
        save(fresh)
    except ConnectorError:
        raise
    except Exception as exc:
        raise AuthExpired(
            f"could not store the renewed tokens ({type(exc).__name__})", fix="log in again"
        ) from None
    return fresh


class BearerAuth:
    """Bearer credentials for a connector: a plain access token, or a token set renewed when it expires.

    Mix into a `Connector` that has `account`, `on_new_secret`, `settings.timeout_seconds` and
    `oauth_client()`. Renewing spends the stored refresh token on platforms that rotate them, so it only
    happens when `on_new_secret` can store the new set, and the new set reaches it before it is used.
    """

    account: str
    on_new_secret: Callable[[str], None] | None
    settings: Any
    token_name = "access token"

    def oauth_client(self) -> OAuthClient:
        """The OAuth app this account renews its tokens with."""
        raise NotImplementedError

    def _load_secret(self, secret: str | None) -> None:
        """Read the stored secret: a token set (JSON) or a plain access token (no renewal)."""
        import asyncio

        raw = (secret or "").strip()
        self.tokens: TokenSet | None = TokenSet.from_json(raw) if raw else None
        self._plain_token: str | None = (
            raw if raw and self.tokens is None and not raw.startswith("{") else None
        )
        self._unreadable_secret = bool(raw) and self.tokens is None and self._plain_token is None
        self._refresh_lock = asyncio.Lock()

    def _login_fix(self) -> str:
        return f"run `cockpit accounts login {self.account}`"

    def _store(self, tokens: TokenSet) -> None:
        if self.on_new_secret is not None:
            self.on_new_secret(tokens.to_json())

    async def refresh(self) -> None:
        """Renew the token set now; the new set reaches `on_new_secret` before its access token is used."""
        import httpx

        if self.tokens is None or not self.tokens.refresh_token:
            raise AuthExpired(
                f"{self.account}: the {self.token_name} was refused or expired and cannot be renewed",
                fix=self._login_fix(),
            )
        if self.on_new_secret is None:
            # Renewing spends the stored refresh token where the platform rotates them: without a way to
            # store the new one, keep the stored one usable for a caller that can.
            raise AuthExpired(
                f"{self.account}: the {self.token_name} expired and this caller cannot store a renewed one",
                fix=self._login_fix(),
            )
        http = token_http(self.account, timeout=httpx.Timeout(self.settings.timeout_seconds))
        try:
            self.tokens = await refresh_tokens(http, self.oauth_client(), self.tokens, self._store)
        except AuthExpired as exc:
            raise AuthExpired(
                f"{self.account}: renewing the {self.token_name} failed: {exc.message}", fix=self._login_fix()
            ) from None
        finally:
            await http.aclose()

    async def access_token(self) -> str:
        """The bearer token for the next request, renewed first when it has expired."""
        if self._plain_token is not None:
            return self._plain_token
        if self.tokens is None:
            what = "the stored secret is not readable" if self._unreadable_secret else "no token is stored"
            raise AuthExpired(f"{self.account}: {what}", fix=self._login_fix())
        async with self._refresh_lock:
            if self.tokens.expired():
                await self.refresh()
        return self.tokens.access_token
