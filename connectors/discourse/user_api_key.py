"""Discourse's user-API-key authorisation flow: ask a forum for a key that acts as the signed-in user.

1. `request = UserApiKeyRequest.create(forum_url, application_name=...)` makes an RSA key pair, a nonce
   and a client id; `request.authorize_url` is the page (`/user-api-key/new`) the user opens and approves.
2. The forum then redirects to `auth_redirect?payload=...` (or, without a redirect, shows the payload to
   copy); `request.secret_from_payload(payload)` decrypts it, checks the nonce and returns the account's
   secret: the JSON `{"key": ..., "client_id": ...}` that `DiscourseConnector` reads with
   `auth = "user_api_key"`.

The private key lives only in the `UserApiKeyRequest` object; nothing is written anywhere.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from connectors.errors import PermanentError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

DEFAULT_SCOPES = ("read", "write", "notifications", "session_info")
"""What the cockpit asks for: reading, posting and liking, notifications, and who the key belongs to."""


class UserApiKeyError(PermanentError):
    """The forum's answer to an authorisation could not be used."""


@dataclass(frozen=True)
class UserApiKeyRequest:
    """One pending authorisation: the key pair, nonce and client id, and the URL the user approves at."""

    forum_url: str
    application_name: str
    client_id: str
    nonce: str
    scopes: tuple[str, ...]
    auth_redirect: str | None
    private_key: RSAPrivateKey = field(repr=False)

    @classmethod
    def create(
        cls,
        forum_url: str,
        *,
        application_name: str = "Cockpit",
        scopes: tuple[str, ...] = DEFAULT_SCOPES,
        auth_redirect: str | None = None,
        client_id: str | None = None,
    ) -> UserApiKeyRequest:
        """Start an authorisation with a fresh 2048-bit RSA key pair and nonce."""
        from cryptography.hazmat.primitives.asymmetric import rsa

        return cls(
            forum_url=forum_url.rstrip("/"),
            application_name=application_name,
            client_id=client_id or f"cockpit-{secrets.token_hex(12)}",
            nonce=secrets.token_hex(16),
            scopes=scopes,
            auth_redirect=auth_redirect,
            private_key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        )

    @property
    def public_key_pem(self) -> str:
        """The public key in PEM, as the forum expects it."""
        from cryptography.hazmat.primitives import serialization

        return (
            self.private_key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )

    @property
    def authorize_url(self) -> str:
        """The page where the signed-in user approves the key."""
        params = {
            "application_name": self.application_name,
            "client_id": self.client_id,
            "scopes": ",".join(self.scopes),
            "public_key": self.public_key_pem,
            "nonce": self.nonce,
        }
        if self.auth_redirect:
            params["auth_redirect"] = self.auth_redirect
        return f"{self.forum_url}/user-api-key/new?{urlencode(params)}"

    def secret_from_payload(self, payload: str) -> str:
        """Decrypt the forum's payload, check its nonce, and return the secret to store (JSON key + client id)."""
        from cryptography.hazmat.primitives.asymmetric import padding

        try:
            encrypted = base64.b64decode("".join(payload.split()), validate=True)
            data = json.loads(self.private_key.decrypt(encrypted, padding.PKCS1v15()))
        except (binascii.Error, ValueError):
            raise UserApiKeyError(
                "the forum's answer is not a payload for this request",
                fix="copy the whole payload the forum shows, or start the authorisation again",
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("key"), str) or not data["key"]:
            raise UserApiKeyError("the forum's payload carries no key", fix="start the authorisation again")
        if data.get("nonce") != self.nonce:
            raise UserApiKeyError(
                "the forum's payload answers another request (the nonce differs)",
                fix="start the authorisation again and use the payload it gives",
            )
        return json.dumps({"key": data["key"], "client_id": self.client_id})
