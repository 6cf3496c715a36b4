"""The sandbox servers: the reusable base and the blog sandbox speak real HTTP and misbehave on request."""

from __future__ import annotations

import time
from collections.abc import Mapping

import httpx
import pytest

from connectors.feed.parse import parse_feed
from connectors.sandbox.blog import APP_PASSWORD, APP_USER, BlogSandbox
from connectors.sandbox.server import RecordedRequest, Reply, SandboxServer


class EchoSandbox(SandboxServer):
    """A minimal platform: echoes the path back as JSON."""

    name = "echo"

    def route(self, request: RecordedRequest, headers: Mapping[str, str]) -> Reply:
        if request.method == "POST":
            self.posted.append(request.json())
        return Reply.json({"path": request.path, "query": request.query})


def test_the_base_server_binds_loopback_on_a_free_port_and_stops() -> None:
    sandbox = EchoSandbox().start()
    url = sandbox.url
    assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
    assert httpx.get(url + "/hello?x=1").json() == {"path": "/hello", "query": {"x": ["1"]}}
    httpx.post(url + "/things", json={"n": 1})
    assert sandbox.posted == [{"n": 1}]
    assert [r.method for r in sandbox.requests] == ["GET", "POST"]
    sandbox.stop()
    with pytest.raises(RuntimeError):
        _ = sandbox.url
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/hello")


def test_misbehaviour_can_target_a_method_and_a_path_and_runs_out() -> None:
    with EchoSandbox() as sandbox:
        sandbox.misbehave("server_error", times=2, status=500, method="GET", path="/only")
        assert httpx.get(sandbox.url + "/other").status_code == 200
        assert httpx.post(sandbox.url + "/only", json={}).status_code == 200
        assert httpx.get(sandbox.url + "/only").status_code == 500
        assert httpx.get(sandbox.url + "/only/deeper").status_code == 500
        assert httpx.get(sandbox.url + "/only").status_code == 200
        sandbox.misbehave("rate_limit", times=3)
        sandbox.behave()
        assert httpx.get(sandbox.url + "/x").status_code == 200


def test_rate_limit_answers_carry_the_platform_headers() -> None:
    with EchoSandbox() as sandbox:
        sandbox.misbehave("rate_limit")
        response = httpx.get(sandbox.url + "/x")
        assert response.status_code == 429 and response.headers["retry-after"] == "30"


def test_latency_delays_every_answer() -> None:
    with EchoSandbox() as sandbox:
        sandbox.latency_ms = 150
        started = time.perf_counter()
        httpx.get(sandbox.url + "/x")
        assert time.perf_counter() - started >= 0.15


def test_stop_wakes_a_slow_handler() -> None:
    sandbox = EchoSandbox().start()
    sandbox.misbehave("slow", delay=30)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(sandbox.url + "/x", timeout=0.2)
    started = time.perf_counter()
    sandbox.stop()
    assert time.perf_counter() - started < 5


def test_the_blog_sandbox_serves_every_kind_of_feed(blog_sandbox: BlogSandbox) -> None:
    kinds = {}
    for slug in blog_sandbox.blogs:
        response = httpx.get(blog_sandbox.feed_url(slug))
        assert response.status_code == 200
        parsed = parse_feed(response.content, url=blog_sandbox.feed_url(slug))
        assert parsed.entries, slug
        kinds[slug] = parsed.kind
    assert kinds == {"tideline": "rss", "commons-garden": "rss", "ferrous": "atom", "margins": "json"}


def test_the_wordpress_feed_has_comment_feeds_and_counts(blog_sandbox: BlogSandbox) -> None:
    body = httpx.get(blog_sandbox.feed_url("tideline")).text
    assert "<wfw:commentRss>" in body and "<slash:comments>4</slash:comments>" in body
    post = blog_sandbox.blog("tideline").posts[0]
    comments = httpx.get(blog_sandbox.post_url("tideline", post) + "feed/").text
    assert "<title>By: Jürgen Weiß</title>" in comments
    assert "In reply to" in comments


def test_wordpress_rest_pages_comments_with_total_headers(blog_sandbox: BlogSandbox) -> None:
    post = blog_sandbox.blog("tideline").posts[0]
    url = blog_sandbox.site_url("tideline") + "wp-json/wp/v2/comments"
    first = httpx.get(url, params={"post": post.id, "per_page": 3, "page": 1})
    assert first.headers["x-wp-total"] == "4" and first.headers["x-wp-totalpages"] == "2"
    second = httpx.get(url, params={"post": post.id, "per_page": 3, "page": 2})
    ids = [c["id"] for c in first.json() + second.json()]
    assert len(ids) == len(set(ids)) == 4
    beyond = httpx.get(url, params={"post": post.id, "per_page": 3, "page": 3})
    assert beyond.status_code == 400 and beyond.json()["code"] == "rest_comment_invalid_page_number"
    index = httpx.get(blog_sandbox.site_url("tideline") + "wp-json/")
    assert "wp/v2" in index.json()["namespaces"]
    assert 'rel="https://api.w.org/"' in index.headers["link"]


def test_wordpress_rest_posting_needs_the_application_password(blog_sandbox: BlogSandbox) -> None:
    post = blog_sandbox.blog("tideline").posts[1]
    url = blog_sandbox.site_url("tideline") + "wp-json/wp/v2/comments"
    payload = {"post": post.id, "content": "Thanks for the write-up!"}
    assert httpx.post(url, json=payload).status_code == 401
    wrong = httpx.post(url, json=payload, auth=(APP_USER, "nope nope"))
    assert wrong.status_code == 401 and wrong.json()["code"] == "incorrect_password"
    created = httpx.post(url, json=payload, auth=(APP_USER, APP_PASSWORD.replace(" ", "")))
    assert created.status_code == 201 and created.json()["author_name"] == "Ana Lima"
    assert blog_sandbox.posted == [
        {
            "blog": "tideline",
            "post": post.id,
            "parent": 0,
            "content": "Thanks for the write-up!",
            "user": APP_USER,
            "comment_id": created.json()["id"],
        }
    ]
    again = httpx.post(url, json=payload, auth=(APP_USER, APP_PASSWORD))
    assert again.status_code == 409 and again.json()["code"] == "comment_duplicate"


def test_the_blog_sandbox_answers_304_until_something_changes(blog_sandbox: BlogSandbox) -> None:
    url = blog_sandbox.feed_url("commons-garden")
    first = httpx.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert httpx.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert httpx.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    post = blog_sandbox.blog("commons-garden").posts[-1]
    blog_sandbox.add_comment("commons-garden", post.id, author="Zoë Achterberg", html="<p>Yes!</p>")
    assert httpx.get(url, headers={"If-None-Match": etag}).status_code == 304, "like WordPress"
    comment_feed = blog_sandbox.post_url("commons-garden", post) + "feed/"
    comment_etag = httpx.get(comment_feed).headers["etag"]
    blog_sandbox.add_comment("commons-garden", post.id, author="Kwame Mensah", html="<p>Agreed.</p>")
    assert httpx.get(comment_feed, headers={"If-None-Match": comment_etag}).status_code == 200
    blog_sandbox.add_post("commons-garden", title="Office hours, six months in", html="<p>notes</p>")
    assert httpx.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_simulated_activity_adds_comments_and_posts(blog_sandbox: BlogSandbox) -> None:
    before = sum(len(blog.comments) + len(blog.posts) for blog in blog_sandbox.blogs.values())
    made = blog_sandbox.simulate_activity(20)
    after = sum(len(blog.comments) + len(blog.posts) for blog in blog_sandbox.blogs.values())
    assert len(made) == 20 and after == before + 20


def test_post_pages_advertise_the_rest_api(blog_sandbox: BlogSandbox) -> None:
    post = blog_sandbox.blog("tideline").posts[2]
    page = httpx.get(blog_sandbox.post_url("tideline", post))
    assert f"/wp-json/wp/v2/posts/{post.id}>" in page.headers["link"]
    closed = blog_sandbox.blog("commons-garden").posts[0]
    assert "link" not in httpx.get(blog_sandbox.post_url("commons-garden", closed)).headers
    assert httpx.get(blog_sandbox.site_url("commons-garden") + "wp-json/").status_code == 404
