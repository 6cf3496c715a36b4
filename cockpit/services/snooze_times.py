"""When a snooze ends: the preset choices and typed times ("tue 9am", "in 3 days", "2h"), in the user's zone.

Common forms are read here (durations, weekdays, today/tomorrow, clock times, the preset names) so that they
mean the same thing every day of the week; anything else goes to `dateparser` (English, preferring the
future). A day given without a time of day means 09:00, as in the presets.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MORNING = time(9, 0)
"""The time of day a snooze to a day (tomorrow, a weekday, a date) ends at."""
EVENING = time(18, 0)
"""The time of day "this evening" ends at."""
MAX_TEXT = 100
"""Longest typed time accepted (longer text is refused before it reaches the parser)."""
MAX_AHEAD = timedelta(days=3653)
"""How far ahead a snooze may end (further is taken for a typing mistake)."""

_EXAMPLES = "try 'tue 9am', 'in 3 days', 'tomorrow 14:00' or '2h'"
_WEEKDAYS = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "weds": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
_UNITS = {
    "m": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "wks": "weeks",
    "week": "weeks",
    "weeks": "weeks",
}
_AMOUNT = r"(\d{1,4}|an?|one)\s*([a-z]+)"
_DURATION = re.compile(rf"^(?:in\s+)?((?:{_AMOUNT}\s*(?:and\s+|,\s*)?)+)(?:\s+from\s+now)?$")
_PART = re.compile(_AMOUNT)
_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
_DAY_AND_TIME = re.compile(
    rf"^(?:(next|this)\s+)?(today|tonight|tomorrow|tmrw|tmr|[a-z]+)(?:\s*,?\s*(?:at\s+|@\s*)?{_CLOCK})?$"
)
_BARE_TIME = re.compile(rf"^(?:at\s+|@\s*)?{_CLOCK}$")


class SnoozePreset(NamedTuple):
    """One snooze choice offered before anything is typed."""

    label: str
    until: datetime


def zone(tz: tzinfo | str) -> tzinfo:
    """Return a time zone from an IANA name or a tzinfo, with a clear error for an unknown name."""
    if isinstance(tz, tzinfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"unknown time zone {tz!r}: use an IANA name like 'Europe/Berlin' or 'UTC'"
        ) from error


def _local_now(now: datetime, tz: tzinfo | str) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("`now` must be an aware datetime")
    return now.astimezone(zone(tz))


def _at(day: datetime, clock: time) -> datetime:
    """The wall-clock time `clock` on the local date of `day` (same zone)."""
    return datetime.combine(day.date(), clock, tzinfo=day.tzinfo)


def snooze_presets(now: datetime, tz: tzinfo | str) -> list[SnoozePreset]:
    """Return the preset snooze times after `now`: 1 hour, this evening, tomorrow morning, next week."""
    local = _local_now(now, tz)
    evening = _at(local, EVENING)
    evening_label = "this evening"
    if evening <= local:
        evening = _at(local + timedelta(days=1), EVENING)
        evening_label = "tomorrow evening"
    monday = local + timedelta(days=7 - local.weekday())
    return [
        SnoozePreset("1 hour", (local.astimezone(UTC) + timedelta(hours=1)).astimezone(local.tzinfo)),
        SnoozePreset(evening_label, evening),
        SnoozePreset("tomorrow morning", _at(local + timedelta(days=1), MORNING)),
        SnoozePreset("next week", _at(monday, MORNING)),
    ]


def parse_snooze(text: str, now: datetime, tz: tzinfo | str) -> datetime:
    """Return the future moment a typed snooze time means, as an aware datetime in `tz`.

    Raises ValueError with a message for the user when the text is not a time or names a time already past.
    """
    local = _local_now(now, tz)
    cleaned = " ".join(text.lower().split())
    if not cleaned:
        raise ValueError(f"type when the snooze should end: {_EXAMPLES}")
    if len(cleaned) > MAX_TEXT:
        raise ValueError(f"that is too long to be a time: {_EXAMPLES}")
    shown = text.strip()[:40]
    when = _parse_own(cleaned, local, shown)
    if when is None:
        when = _parse_with_dateparser(cleaned, local)
    if when is None:
        raise ValueError(f"cannot read {shown!r} as a time: {_EXAMPLES}")
    if when <= local:
        raise ValueError(f"{shown!r} is in the past ({when:%a %d %b %H:%M}): give a later time")
    if when - local > MAX_AHEAD:
        raise ValueError(f"{shown!r} is more than ten years away: give a nearer time")
    return when


def _parse_own(text: str, local: datetime, shown: str) -> datetime | None:
    """The forms read without dateparser, or None when `text` is none of them."""
    presets = snooze_presets(local, local.tzinfo or UTC)
    for preset in presets:
        if text == preset.label:
            return preset.until
    if text in ("tonight", "this evening", "evening"):
        return presets[1].until
    if text in ("morning", "in the morning"):
        return presets[2].until
    if text.isdigit():
        raise ValueError(f"{shown!r} needs a unit or a time of day: {_EXAMPLES}")
    match = _DURATION.match(text)
    if match is not None:
        after = _after_duration(match.group(1), local, shown)
        if after is not None:
            return after
    match = _BARE_TIME.match(text)
    if match is not None and (match.group(2) is not None or match.group(3) is not None):
        clock = _clock(match.group(1), match.group(2), match.group(3), shown)
        today = _at(local, clock)
        return today if today > local else _at(local + timedelta(days=1), clock)
    match = _DAY_AND_TIME.match(text)
    if match is not None:
        qualifier, day_word, hour, minute, meridiem = match.groups()
        given = _clock(hour, minute, meridiem, shown) if hour is not None else None
        return _on_day(qualifier, day_word, given, local, shown)
    return None


def _after_duration(text: str, local: datetime, shown: str) -> datetime | None:
    """Now plus "2h30m", "3 days", "a week": hours and minutes are elapsed time, days keep the time of day."""
    amounts = {"minutes": 0, "hours": 0, "days": 0, "weeks": 0}
    for number, unit in _PART.findall(text):
        name = _UNITS.get(unit)
        if name is None:
            return None
        count = 1 if number in ("a", "an", "one") else int(number)
        amounts[name] += count
    if not any(amounts.values()):
        raise ValueError(f"{shown!r} is no time from now: give a duration such as '2h' or 'in 3 days'")
    elapsed = timedelta(hours=amounts["hours"], minutes=amounts["minutes"])
    # Aware arithmetic in one zone is wall-clock arithmetic: "in 3 days" keeps 15:30 across a DST change.
    calendar = local + timedelta(days=amounts["days"] + 7 * amounts["weeks"])
    return (calendar.astimezone(UTC) + elapsed).astimezone(local.tzinfo)


def _clock(hour_text: str, minute_text: str | None, meridiem: str | None, shown: str) -> time:
    hour = int(hour_text)
    minute = int(minute_text) if minute_text is not None else 0
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise ValueError(f"{shown!r}: with am/pm the hour is 1 to 12")
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"{shown!r} is not a time of day: write it like 9am, 14:00 or 9.30pm")
    return time(hour, minute)


def _on_day(
    qualifier: str | None, day_word: str, clock: time | None, local: datetime, shown: str
) -> datetime | None:
    """A named day (today, tonight, tomorrow, a weekday) at a time of day, or None for another word."""
    if day_word in ("today", "tonight"):
        if qualifier == "next":
            return None
        if clock is None:
            raise ValueError(f"say when today, like 'today 17:00' or 'this evening' (got {shown!r})")
        if day_word == "tonight" and clock.hour < 12:
            clock = time(clock.hour + 12, clock.minute)
        return _at(local, clock)
    if day_word in ("tomorrow", "tmrw", "tmr"):
        if qualifier is not None:
            return None
        return _at(local + timedelta(days=1), clock or MORNING)
    weekday = _WEEKDAYS.get(day_word)
    if weekday is None:
        return None
    ahead = (weekday - local.weekday()) % 7
    # A weekday with a time may be later today; a bare weekday, or "next ...", means a coming day, not today.
    if ahead == 0 and (clock is None or qualifier == "next" or _at(local, clock) <= local):
        ahead = 7
    return _at(local + timedelta(days=ahead), clock or MORNING)


def _parse_with_dateparser(text: str, local: datetime) -> datetime | None:
    """What dateparser makes of the text (a date alone means 09:00 that day), or None."""
    from dateparser.date import DateDataParser

    parser = DateDataParser(
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": local.replace(tzinfo=None),
            "RETURN_TIME_AS_PERIOD": True,
        },
    )
    try:
        data = parser.get_date_data(text)
    except (ValueError, OverflowError):
        return None
    found = data.date_obj
    if found is None:
        return None
    if found.tzinfo is not None:
        return found.astimezone(local.tzinfo)
    result = found.replace(tzinfo=local.tzinfo)
    if data.period != "time" and found.time() == time(0, 0):
        result = _at(result, MORNING)
    return result
