"""Daily times and time zones as people and exports write them ("08:00", "Europe/Kyiv"), read in
one place: a digest set in a chat, imported from an export, or scheduled at start."""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def time_of_day(text: str) -> tuple[int, int] | None:
    """Return (hour, minute) of "8:00" or "08:00", or None for anything else."""
    match = _TIME.fullmatch(text.strip()) if isinstance(text, str) else None
    return (int(match[1]), int(match[2])) if match else None


def zone(name: str) -> ZoneInfo | None:
    """Return the IANA time zone `name` names ("Europe/Kyiv", "UTC"), or None: "Europe" is a
    folder of the zone database, not a zone, and ZoneInfo fails on it with an OSError."""
    return ZoneInfo(name) if isinstance(name, str) and name in _zones() else None


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())
