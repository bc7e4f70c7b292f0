"""Parse the many ways sources write a publication date into an aware UTC datetime."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_FORMATS = ("%Y/%m/%d", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%d %B %Y", "%B %d, %Y")


def parse_date(value: str | None) -> datetime | None:
    """Return the date in `value` as UTC, or None when it cannot be read."""
    if not value:
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        for layout in _FORMATS:
            try:
                parsed = datetime.strptime(value, layout)
                break
            except ValueError:
                continue
        else:
            try:
                parsed = parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
