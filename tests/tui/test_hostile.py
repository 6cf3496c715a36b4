"""Text from the internet is shown, never obeyed: markup stays literal, escapes and bidi controls are inert."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len

from cockpit.tui.screens.queue import QueueScreen
from cockpit.tui.screens.thread import ThreadScreen

from .conftest import make_app, screen_lines, screen_segments, settle

EXPECTED_VISIBLE = [
    "[bold red]x[/] and [link=http://evil.example]click[/link]",
    "␛[31mred␛[0m plain",
    "␛]8;;http://x␛\\link␛]8;;␛\\ after",
    "⟨U+202E⟩evil",
    "csi⟨U+009B⟩2J and bell␇ and cr␍over and bs␈x",
]
RAW_SEQUENCES = ["\x1b[31mred", "\x1b]8;;http://x", "\x9b2J", "\u202eevil", "cr\rover", "bs\bx", "bell\x07"]


def assert_inert(app: object) -> list[str]:
    """No control, escape or bidi character reaches any painted segment; return the screen's lines."""
    for text in screen_segments(app):  # type: ignore[arg-type]
        assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text, repr(text)
        assert not any(ord(char) < 0x20 for char in text), repr(text)
    lines = screen_lines(app)  # type: ignore[arg-type]
    # The bytes a terminal would receive for the whole screen carry none of the hostile sequences.
    output = app.screen._compositor.render_update(full=True).render_segments(app.console)  # type: ignore[attr-defined]
    for raw in RAW_SEQUENCES:
        assert raw not in output, raw
    return lines


async def test_hostile_posts_render_inert_in_the_queue_and_the_thread(hostile_home: Path) -> None:
    app = make_app(hostile_home)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("backslash")  # hide the views sidebar: rows start at column 0
        await pilot.pause()
        lines = assert_inert(app)
        queue_part = [line[:92] for line in lines[:13]]
        text = "\n".join(queue_part)
        for visible in EXPECTED_VISIBLE:
            assert visible[:40] in text, (visible, text)
        # Every row keeps its columns: same width, badge first, age last.
        width = app.screen.queue.scrollable_content_region.width
        for line in lines[:13]:
            row = line[:width]
            assert cell_len(row) == width
            assert row[1:6].strip() in {"X", "in", "forum", "blog"}, row
            assert row.rstrip()[-2:] in {"5m", "1h", "2h", "7h", "1d", "3d", "1w", "3w"}, row
        ages = {line[:width].rstrip()[-4:] for line in lines[:13]}
        assert len({len(line[:width].rstrip()) for line in lines[:13]}) == 1, ages

        # Each hostile conversation, opened full screen.
        for index in range(1, 7):
            app.screen.queue.move_to(index)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ThreadScreen)
            thread_text = "\n".join(assert_inert(app))
            view = app.screen.view
            assert view.layout_data is not None
            laid_out = " ".join(
                "".join(text for _kind, text in line.spans) for line in view.layout_data.lines
            )
            await pilot.press("escape")
            await settle(pilot)
            if index <= len(EXPECTED_VISIBLE):
                assert EXPECTED_VISIBLE[index - 1] in thread_text, thread_text
            else:
                assert "… 80,000 more characters of this post not shown (100,000 in all)." in laid_out


async def test_a_hundred_kilobyte_post_is_cut_in_the_detail_pane(hostile_home: Path) -> None:
    app = make_app(hostile_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        screen.queue.move_to(6)
        await settle(pilot)
        assert screen.queue.cursor_row is not None and screen.queue.cursor_row.author_name == "Huge Post"
        layout = screen.detail.layout_data
        assert layout is not None and layout.conversation_id == screen.queue.cursor_row.id
        shown = sum(len(text) for line in layout.lines for _kind, text in line.spans)
        assert shown < 3_000
        assert any("98,000 more characters" in text for line in layout.lines for _kind, text in line.spans)
