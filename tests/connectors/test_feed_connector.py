"""The feed connector against the blog sandbox: posts as context, comments as threads, replies via WordPress."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Mapping

import pytest

from connectors.errors import (
    AuthExpired,
    DuplicateContent,
    OutcomeUnknown,
    PermanentError,
    RateLimited,
)
from connectors.feed import FeedConnector, FeedCursor
from connectors.models import Capability, Page, Post, ReplyTarget
from connectors.sandbox.blog import APP_PASSWORD, APP_USER, BlogSandbox
from tests.connectors.conftest import make_feed_connector


async def fetch_all(connector: FeedConnector, cursors: Mapping[str, str] | None = None) -> list[Page]:
    return [page async for page in connector.fetch(cursors or {})]


def by_stream(pages: list[Page]) -> dict[str, list[Page]]:
    grouped: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        grouped[page.stream].append(page)
    return grouped


def cursors_of(pages: list[Page]) -> dict[str, str]:
    return {page.stream: page.cursor for page in pages if page.cursor is not None}


def posts_of(pages: list[Page], stream: str | None = None) -> list[Post]:
    return [post for page in pages if stream in (None, page.stream) for post in page.posts]


async def test_a_first_fetch_reads_every_blog_and_threads_comments_under_posts(
    feed_connector: FeedConnector, blog_sandbox: BlogSandbox
) -> None:
    pages = await fetch_all(feed_connector)
    streams = by_stream(pages)
    assert set(streams) == set(blog_sandbox.feed_urls())
    for stream, stream_pages in streams.items():
        assert all(page.error is None for page in stream_pages), stream
        assert stream_pages[-1].cursor is not None, "the last page of a stream carries its cursor"
        assert all(page.cursor is None for page in stream_pages[:-1])
    for slug, blog in blog_sandbox.blogs.items():
        posts = posts_of(pages, blog_sandbox.feed_url(slug))
        assert len([p for p in posts if p.source == "feed"]) == len(blog.posts), slug
        assert len([p for p in posts if p.source == "reply"]) == len(blog.comments), slug
    for post in posts_of(pages):
        assert post.text and "<p>" not in post.text and "</" not in post.text
        assert post.author.platform == "feed" and post.author.host == "127.0.0.1"


async def test_wordpress_comments_come_from_the_rest_api_with_their_parents(
    feed_connector: FeedConnector, blog_sandbox: BlogSandbox
) -> None:
    pages = await fetch_all(feed_connector)
    blog = blog_sandbox.blog("tideline")
    post = blog.posts[0]
    guid = blog_sandbox.post_guid("tideline", post)
    thread = [p for p in posts_of(pages) if p.thread_key == guid]
    article = next(p for p in thread if p.source == "feed")
    assert article.ext_id == guid and article.title == post.title and article.metrics == {"comments": 4}
    assert article.url == blog_sandbox.post_url("tideline", post)
    assert article.raw["wp_post_id"] == post.id
    comments = {p.author.name: p for p in thread if p.source == "reply"}
    assert set(comments) == {"Jürgen Weiß", "Ana Lima", "Priyanka Raghunathan", "Kwame Mensah"}
    jurgen, ana = comments["Jürgen Weiß"], comments["Ana Lima"]
    assert jurgen.in_reply_to == guid
    assert ana.in_reply_to == jurgen.ext_id
    assert ana.ext_id == f"{guid}#comment-{ana.raw['wp_comment_id']}"
    assert ana.thread_title == post.title and ana.thread_url == article.url
    assert jurgen.text.startswith("We had the same thing with `CFLAGS`")
    rest_calls = blog_sandbox.requests_to("/tideline/wp-json/wp/v2/comments")
    assert rest_calls and not blog_sandbox.requests_to("/tideline/the-cache-that-lied/feed/")


async def test_comment_feeds_are_followed_when_there_is_no_rest_api(
    feed_connector: FeedConnector, blog_sandbox: BlogSandbox
) -> None:
    pages = await fetch_all(feed_connector)
    blog = blog_sandbox.blog("commons-garden")
    post = blog.posts[0]
    guid = blog_sandbox.post_guid("commons-garden", post)
    thread = {p.author.name + ":" + p.text[:12]: p for p in posts_of(pages) if p.thread_key == guid}
    names = sorted(key.split(":")[0] for key in thread)
    assert names == [
        "Mateus Carvalho",
        "Nnamdi Okafor",
        "Nnamdi Okafor",
        "Élodie Marchand",
        "Élodie Marchand",
    ]
    first = next(p for p in thread.values() if p.text.startswith("This matches"))
    nnamdi = next(p for p in thread.values() if p.author.name == "Nnamdi Okafor" and p.source == "reply")
    last = next(p for p in thread.values() if p.text.startswith("A monthly call"))
    assert first.in_reply_to == guid
    assert nnamdi.in_reply_to == first.ext_id
    assert last.in_reply_to == nnamdi.ext_id and not last.text.startswith("In reply to")
    assert blog_sandbox.requests_to("/commons-garden/your-first-ten-contributors/feed/")
    quiet = blog_sandbox.blog("commons-garden").posts[-1]
    assert not blog_sandbox.requests_to(f"/commons-garden/{quiet.slug}/feed/"), "slash:comments 0: not polled"


async def test_atom_comment_feeds_thread_by_in_reply_to(
    feed_connector: FeedConnector, blog_sandbox: BlogSandbox
) -> None:
    pages = await fetch_all(feed_connector)
    post = blog_sandbox.blog("ferrous").posts[0]
    guid = blog_sandbox.post_guid("ferrous", post)
    comments = {p.author.name: p for p in posts_of(pages) if p.thread_key == guid and p.source == "reply"}
    assert comments["Chiara Rossi"].in_reply_to == guid
    assert comments["Søren Kjær"].in_reply_to == comments["Chiara Rossi"].ext_id
    assert comments["Søren Kjær"].thread_title == "Release notes people actually read"


async def test_wordpress_rest_comments_are_read_page_by_page(blog_sandbox: BlogSandbox) -> None:
    connector = make_feed_connector(
        blog_sandbox, feeds=[blog_sandbox.feed_url("tideline")], comments_per_page=2
    )
    pages = await fetch_all(connector)
    calls = blog_sandbox.requests_to("/tideline/wp-json/wp/v2/comments")
    assert [call.param("page") for call in calls] == ["1", "2", "3", "4", "5"]
    assert {call.param("per_page") for call in calls} == {"2"}
    comments = [p for p in posts_of(pages) if p.source == "reply"]
    assert len(comments) == len({p.ext_id for p in comments}) == len(blog_sandbox.blog("tideline").comments)
    await connector.aclose()


async def test_a_second_fetch_asks_conditionally_and_finds_nothing_new(blog_sandbox: BlogSandbox) -> None:
    connector = make_feed_connector(blog_sandbox)
    cursors = cursors_of(await fetch_all(connector))
    blog_sandbox.requests.clear()
    pages = await fetch_all(connector, cursors)
    assert posts_of(pages) == []
    assert set(cursors_of(pages)) == set(cursors)
    main_feeds = [r for r in blog_sandbox.requests if blog_sandbox.url + r.path in blog_sandbox.feed_urls()]
    assert len(main_feeds) == 4 and all("if-none-match" in r.headers for r in main_feeds)
    comment_feeds = [
        r for r in blog_sandbox.requests if r.path.endswith(("/feed/", ".atom")) and r not in main_feeds
    ]
    assert comment_feeds, "a 304 on the posts feed says nothing about comments: they are still polled"
    await connector.aclose()


async def test_new_posts_and_comments_arrive_incrementally(blog_sandbox: BlogSandbox) -> None:
    connector = make_feed_connector(blog_sandbox)
    cursors = cursors_of(await fetch_all(connector))
    tideline = blog_sandbox.blog("tideline").posts[1]
    garden = blog_sandbox.blog("commons-garden").posts[0]
    ferrous = blog_sandbox.blog("ferrous").posts[1]
    blog_sandbox.add_comment("tideline", tideline.id, author="Hana Kobayashi", html="<p>Rule two!</p>")
    blog_sandbox.add_comment(
        "commons-garden", garden.id, author="Ilse de Vries", html="<p>Ten is plenty.</p>"
    )
    blog_sandbox.add_comment("ferrous", ferrous.id, author="Kwame Mensah", html="<p>GPIO, I bet.</p>")
    blog_sandbox.add_post("margins", title="Style guides that help", html="<p>Short ones.</p>")
    pages = await fetch_all(connector, cursors)
    new = sorted((p.author.name, p.text) for p in posts_of(pages))
    assert new == [
        ("Hana Kobayashi", "Rule two!"),
        ("Ilse de Vries", "Ten is plenty."),
        ("Kwame Mensah", "GPIO, I bet."),
        ("Małgorzata Wiśniewska", "Short ones."),
    ]
    later = cursors_of(pages)
    assert posts_of(await fetch_all(connector, later)) == []
    await connector.aclose()


async def test_the_cursor_is_versioned_json_and_a_bad_one_starts_afresh(
    feed_connector: FeedConnector, blog_sandbox: BlogSandbox
) -> None:
    pages = await fetch_all(feed_connector)
    stream = blog_sandbox.feed_url("tideline")
    last = by_stream(pages)[stream][-1]
    cursor = json.loads(last.cursor or "")
    assert cursor["v"] == 1 and cursor["etag"] == last.etag and cursor["last_modified"] == last.last_modified
    assert cursor["wp_api"] == blog_sandbox.site_url("tideline") + "wp-json/"
    assert {p["key"] for p in cursor["posts"]} == {
        blog_sandbox.post_guid("tideline", p) for p in blog_sandbox.blog("tideline").posts
    }
    assert FeedCursor.load("{not json").etag is None
    assert FeedCursor.load('{"v": 99, "etag": "x"}').etag is None
    again = await fetch_all(feed_connector, {stream: "garbage", "https://unrelated.example/": "{}"})
    assert len([p for p in posts_of(again, stream) if p.source == "feed"]) == 5


async def test_one_broken_feed_does_not_stop_the_others(blog_sandbox: BlogSandbox) -> None:
    html_page = blog_sandbox.put(
        "/broken/index.html", b"<!DOCTYPE html><html><body>Blog</body></html>", "text/html"
    )
    gone = blog_sandbox.put("/gone/feed/", b"gone", "text/plain", status=410)
    failing = blog_sandbox.url + "/failing/feed/"
    blog_sandbox.put("/failing/feed/", b"<rss/>")
    blog_sandbox.misbehave("server_error", times=10, path="/failing/")
    good = blog_sandbox.feed_urls()
    connector = make_feed_connector(
        blog_sandbox, feeds=[html_page, *good, gone, failing, "ftp://old.example/feed"]
    )
    pages = await fetch_all(connector)
    streams = by_stream(pages)
    errors = {stream: stream_pages[0].error for stream, stream_pages in streams.items() if stream not in good}
    assert {stream: error.kind for stream, error in errors.items() if error} == {
        html_page: "permanent",
        gone: "permanent",
        failing: "transient",
        "ftp://old.example/feed": "permanent",
    }
    assert "web page, not a feed" in str(errors[html_page]) and "acme-blog" in str(errors[html_page])
    assert "HTTP 410" in str(errors[gone])
    for stream in errors:
        assert [(p.cursor, p.posts) for p in streams[stream]] == [(None, [])]
    for stream in good:
        assert streams[stream][-1].cursor is not None and streams[stream][-1].error is None
    await connector.aclose()


async def test_a_rate_limited_feed_says_when_to_come_back(blog_sandbox: BlogSandbox) -> None:
    connector = make_feed_connector(blog_sandbox)
    blog_sandbox.misbehave("rate_limit", path="/ferrous/atom.xml", headers={"Retry-After": "600"})
    pages = await fetch_all(connector)
    (page,) = by_stream(pages)[blog_sandbox.feed_url("ferrous")]
    assert page.error is not None and page.error.kind == "rate_limited" and page.error.until is not None
    error = page.error.to_exception()
    assert isinstance(error, RateLimited) and error.until == page.error.until
    await connector.aclose()


async def test_a_comment_feed_that_fails_keeps_the_posts_and_reports_it(blog_sandbox: BlogSandbox) -> None:
    connector = make_feed_connector(blog_sandbox, feeds=[blog_sandbox.feed_url("commons-garden")])
    post = blog_sandbox.blog("commons-garden").posts[0]
    blog_sandbox.misbehave("malformed", times=10, path=f"/commons-garden/{post.slug}/feed/")
    pages = await fetch_all(connector)
    last = pages[-1]
    assert last.cursor is not None and last.error is not None
    assert "comments of “Your first ten contributors" in last.error.message
    assert len([p for p in posts_of(pages) if p.source == "feed"]) == 4
    cursor = FeedCursor.load(last.cursor)
    tracked = next(p for p in cursor.posts if p.url.endswith(f"/{post.slug}/"))
    assert not tracked.seen, "the failed comments are asked for again next time"
    blog_sandbox.behave()
    retry = await fetch_all(connector, cursors_of(pages))
    assert len([p for p in posts_of(retry) if p.source == "reply"]) == len(
        blog_sandbox.blog("commons-garden").comments_on(post.id)
    )
    await connector.aclose()


async def test_comment_items_titled_by_name_give_the_author(blog_sandbox: BlogSandbox) -> None:
    comments = blog_sandbox.put(
        "/plain/hello/comments.xml",
        """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Comments</title>
        <item><title>By: Aoife Ní Bhriain</title><link>/plain/hello/#c1</link><guid>c1</guid>
        <pubDate>Sun, 01 Jun 2025 09:00:00 GMT</pubDate><description>Lovely &lt;b&gt;post&lt;/b&gt;</description>
        </item></channel></rss>""".encode(),
    )
    feed = blog_sandbox.put(
        "/plain/feed.xml",
        f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"
        xmlns:wfw="http://wellformedweb.org/CommentAPI/"><channel><title>Plain</title><link>/plain/</link>
        <item><title>Hello</title><link>/plain/hello/</link><guid>/plain/hello/</guid>
        <wfw:commentRss>{comments}</wfw:commentRss></item></channel></rss>""".encode(),
    )
    connector = make_feed_connector(blog_sandbox, feeds=[feed])
    posts = posts_of(await fetch_all(connector))
    article, comment = posts
    assert article.ext_id == article.thread_key == blog_sandbox.url + "/plain/hello/"
    assert comment.author.name == "Aoife Ní Bhriain" and comment.text == "Lovely post"
    assert comment.ext_id == f"{article.ext_id}#c1" and comment.in_reply_to == article.ext_id
    assert comment.url == blog_sandbox.url + "/plain/hello/#c1"
    await connector.aclose()


async def test_when_the_rest_api_goes_away_comment_feeds_take_over(blog_sandbox: BlogSandbox) -> None:
    connector = make_feed_connector(blog_sandbox, feeds=[blog_sandbox.feed_url("tideline")])
    cursors = cursors_of(await fetch_all(connector))
    blog_sandbox.blog("tideline").rest_api = False
    post = blog_sandbox.blog("tideline").posts[2]
    blog_sandbox.add_comment("tideline", post.id, author="Chiara Rossi", html="<p>Flake court forever.</p>")
    pages = await fetch_all(connector, cursors)
    assert pages[-1].error is not None and pages[-1].error.kind == "permanent"
    assert "Chiara Rossi" in {p.author.name for p in posts_of(pages)}
    assert FeedCursor.load(pages[-1].cursor).wp_api == ""
    await connector.aclose()


async def test_feeds_and_comment_feeds_are_fetched_concurrently(blog_sandbox: BlogSandbox) -> None:
    settings = blog_sandbox.account_settings()
    connector = FeedConnector(
        account="demo", base_url=settings["base_url"], secret=settings["secret"], options=settings["options"]
    )
    blog_sandbox.latency_ms = 300
    started = time.perf_counter()
    pages = await fetch_all(connector)
    elapsed = time.perf_counter() - started
    assert len(posts_of(pages)) == sum(len(b.posts) + len(b.comments) for b in blog_sandbox.blogs.values())
    one_at_a_time = 0.3 * len(blog_sandbox.requests)  # 11 requests: 3.3 s if made one after another
    assert len(blog_sandbox.requests) >= 10 and elapsed < one_at_a_time * 0.6
    await connector.aclose()


async def test_stopping_early_cancels_the_other_feeds(blog_sandbox: BlogSandbox) -> None:
    connector = make_feed_connector(blog_sandbox)
    blog_sandbox.latency_ms = 50
    stream = connector.fetch({})
    first = await anext(stream)
    await stream.aclose()
    assert first.stream in blog_sandbox.feed_urls()
    await connector.aclose()


# -- replying ------------------------------------------------------------------------------------


def tideline_target(
    sandbox: BlogSandbox, post_index: int = 0, comment_index: int | None = None
) -> ReplyTarget:
    blog = sandbox.blog("tideline")
    post = blog.posts[post_index]
    guid = sandbox.post_guid("tideline", post)
    if comment_index is None:
        return ReplyTarget(thread_key=guid, ext_id=guid, url=sandbox.post_url("tideline", post))
    comment = blog.comments_on(post.id)[comment_index]
    return ReplyTarget(
        thread_key=guid,
        ext_id=f"{guid}#comment-{comment.id}",
        url=f"{sandbox.post_url('tideline', post)}#comment-{comment.id}",
    )


async def test_a_reply_goes_out_through_wordpress_with_the_application_password(
    feed_connector: FeedConnector, blog_sandbox: BlogSandbox
) -> None:
    assert feed_connector.can(Capability.REPLY)
    target = tideline_target(blog_sandbox, comment_index=0)
    ref = await feed_connector.reply(target, "Good idea, Jürgen: we now fail the build.", key="k-1")
    (posted,) = blog_sandbox.posted
    parent = blog_sandbox.blog("tideline").comments_on(blog_sandbox.blog("tideline").posts[0].id)[0]
    assert posted == {
        "blog": "tideline",
        "post": blog_sandbox.blog("tideline").posts[0].id,
        "parent": parent.id,
        "content": "Good idea, Jürgen: we now fail the build.",
        "user": APP_USER,
        "comment_id": posted["comment_id"],
    }
    assert ref.ext_id == f"{target.thread_key}#comment-{posted['comment_id']}"
    assert ref.url.endswith(f"#comment-{posted['comment_id']}")
    (call,) = blog_sandbox.requests_to("/tideline/wp-json/wp/v2/comments", "POST")
    assert call.headers["authorization"] == "Basic <redacted>"
    pages = await fetch_all(feed_connector)
    mine = next(p for p in posts_of(pages) if p.ext_id == ref.ext_id)
    assert mine.author.name == "Ana Lima" and mine.in_reply_to == target.ext_id


async def test_a_reply_is_plain_text_and_comes_back_exactly_as_typed(
    feed_connector: FeedConnector, blog_sandbox: BlogSandbox
) -> None:
    typed = "Use <code> & friends, not <script>alert(1)</script>.\n\nSecond paragraph."
    ref = await feed_connector.reply(tideline_target(blog_sandbox, post_index=2), typed, key="k-7")
    assert blog_sandbox.posted[0]["content"] == (
        "Use &lt;code&gt; &amp; friends, not &lt;script&gt;alert(1)&lt;/script&gt;.\n\nSecond paragraph."
    )
    mine = next(p for p in posts_of(await fetch_all(feed_connector)) if p.ext_id == ref.ext_id)
    assert mine.text == typed


async def test_a_reply_to_a_post_found_only_by_its_page_uses_the_link_header(
    feed_connector: FeedConnector, blog_sandbox: BlogSandbox
) -> None:
    post = blog_sandbox.blog("tideline").posts[3]
    url = blog_sandbox.post_url("tideline", post)
    await feed_connector.reply(ReplyTarget(thread_key=url, url=url), "Thanks for reading!", key="k-2")
    assert blog_sandbox.posted[0]["post"] == post.id and blog_sandbox.posted[0]["parent"] == 0


async def test_replying_is_refused_clearly_where_the_blog_offers_no_way(blog_sandbox: BlogSandbox) -> None:
    reader = FeedConnector(
        account="reader", base_url="", secret=None, options={"feeds": blog_sandbox.feed_urls()}
    )
    assert not reader.can(Capability.REPLY)
    target = tideline_target(blog_sandbox)
    with pytest.raises(PermanentError) as caught:
        await reader.reply(target, "hello", key="k")
    message = str(caught.value)
    assert "reader" in message and "no way to reply" in message and "browser" in message
    assert target.url in message
    writer = make_feed_connector(blog_sandbox)
    elsewhere = blog_sandbox.blog("ferrous").posts[0]
    other_blog = ReplyTarget(thread_key="tag:ferrous.example,2024:post-x", url="https://ferrous.example/x/")
    with pytest.raises(PermanentError, match="no way to reply"):
        await writer.reply(other_blog, "hello", key="k")
    assert elsewhere is not None and blog_sandbox.posted == []
    assert not blog_sandbox.requests_to("/", "POST"), "credentials never go to another site"
    await writer.aclose()
    await reader.aclose()


async def test_a_wrong_application_password_asks_for_a_new_login(blog_sandbox: BlogSandbox) -> None:
    connector = FeedConnector(
        account="acme-blog",
        base_url=blog_sandbox.site_url("tideline"),
        secret="wrong pass word here",
        options={"feeds": [], "wordpress_user": APP_USER},
    )
    with pytest.raises(AuthExpired) as caught:
        await connector.reply(tideline_target(blog_sandbox), "hello", key="k")
    assert "cockpit accounts login acme-blog" in caught.value.fix
    assert "wrong pass word here" not in str(caught.value) and APP_PASSWORD not in str(caught.value)
    await connector.aclose()


async def test_a_dropped_reply_is_outcome_unknown_and_was_stored_once(
    feed_connector: FeedConnector, blog_sandbox: BlogSandbox
) -> None:
    blog_sandbox.misbehave("drop", method="POST")
    with pytest.raises(OutcomeUnknown):
        await feed_connector.reply(tideline_target(blog_sandbox), "Did this go out?", key="k-3")
    assert len(blog_sandbox.posted) == 1
    assert len(blog_sandbox.requests_to("/tideline/wp-json/wp/v2/comments", "POST")) == 1


async def test_a_reply_that_times_out_after_sending_is_outcome_unknown(blog_sandbox: BlogSandbox) -> None:
    connector = make_feed_connector(blog_sandbox, timeout_seconds=0.3)
    blog_sandbox.misbehave("slow", method="POST", delay=3)
    with pytest.raises(OutcomeUnknown):
        await connector.reply(tideline_target(blog_sandbox), "Slow network today.", key="k-4")
    assert len(blog_sandbox.requests_to("/tideline/wp-json/wp/v2/comments", "POST")) == 1
    await connector.aclose()


async def test_the_same_reply_twice_is_a_duplicate(
    feed_connector: FeedConnector, blog_sandbox: BlogSandbox
) -> None:
    target = tideline_target(blog_sandbox, post_index=1)
    await feed_connector.reply(target, "Rule three is the one.", key="k-5")
    with pytest.raises(DuplicateContent):
        await feed_connector.reply(target, "Rule three is the one.", key="k-6")
    assert len(blog_sandbox.posted) == 1


def test_options_are_checked_with_a_clear_message() -> None:
    with pytest.raises(PermanentError) as caught:
        FeedConnector(
            account="acme-blog", base_url="", secret=None, options={"feeds": "https://x.example/feed"}
        )
    assert "feed option `feeds`" in str(caught.value) and "acme-blog" in str(caught.value)
    with pytest.raises(PermanentError, match="track_posts"):
        FeedConnector(account="a", base_url="", secret=None, options={"track_posts": -1})


def test_reply_needs_a_user_a_password_and_a_site() -> None:
    def can(base_url: str, secret: str | None, user: str | None) -> bool:
        options = {"wordpress_user": user} if user else {}
        return FeedConnector(account="a", base_url=base_url, secret=secret, options=options).can(
            Capability.REPLY
        )

    assert can("https://b.example", "pw", "ana")
    assert not can("", "pw", "ana")
    assert not can("https://b.example", None, "ana")
    assert not can("https://b.example", "pw", None)
    assert FeedConnector.capabilities == frozenset({Capability.REPLY})
