"""Snooze presets and typed snooze times, from a fixed moment in Berlin and in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cockpit.services.snooze_times import parse_snooze, snooze_presets

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY = datetime(2026, 11, 20, 15, 30, tzinfo=BERLIN)
"""Friday 20 November 2026, 15:30 in Berlin (14:30 UTC)."""


def berlin(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def test_presets_on_a_friday_afternoon_in_berlin() -> None:
    presets = snooze_presets(FRIDAY, "Europe/Berlin")

    assert presets == [
        ("1 hour", berlin(20, 16, 30)),
        ("this evening", berlin(20, 18)),
        ("tomorrow morning", berlin(21, 9)),
        ("next week", berlin(23, 9)),
    ]
    assert all(preset.until.tzinfo == BERLIN for preset in presets)


def test_after_six_the_evening_preset_is_tomorrow_evening() -> None:
    late = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)  # 20:00 in Berlin

    presets = dict(snooze_presets(late, BERLIN))

    assert "this evening" not in presets
    assert presets["tomorrow evening"] == berlin(21, 18)


def test_next_week_from_a_monday_or_a_sunday_is_the_coming_monday_morning() -> None:
    monday = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    sunday = datetime(2026, 11, 22, 22, 0, tzinfo=UTC)

    assert dict(snooze_presets(monday, "UTC"))["next week"] == datetime(
        2026, 11, 30, 9, 0, tzinfo=ZoneInfo("UTC")
    )
    assert dict(snooze_presets(sunday, "UTC"))["next week"] == datetime(
        2026, 11, 23, 9, 0, tzinfo=ZoneInfo("UTC")
    )


def test_presets_are_in_the_users_zone_not_the_servers() -> None:
    presets = dict(snooze_presets(datetime(2026, 11, 20, 14, 30, tzinfo=UTC), "UTC"))

    assert presets["this evening"] == datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
    assert presets["this evening"] != berlin(20, 18)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tue 9am", berlin(24, 9)),
        ("Tuesday 9:30", berlin(24, 9, 30)),
        ("tue", berlin(24, 9)),
        ("next tue at 9", berlin(24, 9)),
        ("fri 17:00", berlin(20, 17)),  # later today
        ("fri 15:00", berlin(27, 15)),  # already past today: next week
        ("friday", berlin(27, 9)),  # a bare weekday is never today
        ("in 3 days", berlin(23, 15, 30)),
        ("3 days", berlin(23, 15, 30)),
        ("in a week", berlin(27, 15, 30)),
        ("tomorrow 14:00", berlin(21, 14)),
        ("tomorrow", berlin(21, 9)),
        ("2h", berlin(20, 17, 30)),
        ("2h30m", berlin(20, 18)),
        ("in 2 hours", berlin(20, 17, 30)),
        ("90 min", berlin(20, 17)),
        ("5pm", berlin(20, 17)),
        ("9am", berlin(21, 9)),  # past today: tomorrow
        ("tonight 9", berlin(20, 21)),
        ("this evening", berlin(20, 18)),
        ("next week", berlin(23, 9)),
        ("1 hour", berlin(20, 16, 30)),
        ("dec 3", berlin(3, 9, month=12)),  # dateparser: a date alone means the morning
        ("3 december 10:00", berlin(3, 10, month=12)),
        ("3pm utc", berlin(21, 16)),  # dateparser, with the zone it names
    ],
)
def test_typed_times_in_berlin(text: str, expected: datetime) -> None:
    assert parse_snooze(text, FRIDAY, "Europe/Berlin") == expected


def test_typed_times_in_utc() -> None:
    now = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)

    assert parse_snooze("tomorrow 14:00", now, "UTC") == datetime(2026, 11, 21, 14, 0, tzinfo=UTC)
    assert parse_snooze("sat 9am", now, "UTC") == datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    assert parse_snooze("2h", now, "UTC") == datetime(2026, 11, 21, 1, 30, tzinfo=UTC)
    # The same moment is already Saturday in Berlin: "tomorrow" is Sunday there.
    assert parse_snooze("tomorrow 14:00", now, BERLIN) == berlin(22, 14)


def test_days_keep_the_wall_clock_time_and_hours_count_elapsed_time_across_a_dst_change() -> None:
    before_change = datetime(2026, 10, 23, 15, 30, tzinfo=BERLIN)  # summer time ends on Sunday 25 October
    night = datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN)

    assert parse_snooze("in 3 days", before_change, BERLIN) == datetime(2026, 10, 26, 15, 30, tzinfo=BERLIN)
    woken = parse_snooze("2h", night, BERLIN)
    assert woken.astimezone(UTC) - night.astimezone(UTC) == timedelta(hours=2)  # the wall clock shows 02:30
    assert woken.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "type when the snooze should end"),
        ("   ", "type when the snooze should end"),
        ("banana", "cannot read 'banana' as a time"),
        ("25:00", "not a time of day"),
        ("13pm", "the hour is 1 to 12"),
        ("today 9am", "is in the past"),
        ("yesterday", "is in the past"),
        ("today", "say when today"),
        ("0m", "no time from now"),
        ("7", "needs a unit or a time of day"),
        ("x" * 200, "too long"),
        ("in 9999 weeks", "more than ten years away"),
    ],
)
def test_nonsense_gets_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_snooze(text, FRIDAY, "Europe/Berlin")


def test_an_unknown_zone_or_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        parse_snooze("2h", FRIDAY, "Mars/Olympus")
    with pytest.raises(ValueError, match="aware"):
        snooze_presets(datetime(2026, 11, 20, 15, 30), "UTC")
