"""Date filters typed by people ("from 01/03 to 15/03"), as instants for the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def day_bounds(
    date_from: date | None, date_to: date | None, timezone: str
) -> tuple[datetime | None, datetime | None]:
    """``[date_from 00:00, the day after date_to 00:00)`` in ``timezone``, as UTC instants.

    A bound the calendar cannot hold (the day after 9999-12-31, or a midnight of year 1
    that falls before year 1 in UTC) is left open: nothing is stored beyond it.
    """
    zone = ZoneInfo(timezone)

    def midnight(day: date) -> datetime | None:
        try:
            return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
        except OverflowError:
            return None

    start = midnight(date_from) if date_from else None
    end = None
    if date_to and date_to < date.max:
        end = midnight(date_to + timedelta(days=1))
    return start, end
