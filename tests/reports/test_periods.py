"""The period filter: presets, custom ranges, previous period of equal length, UTC bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from webapp.core.domain import ValidationFailed
from webapp.reports.periods import local_today, resolve_period

TODAY = date(2025, 3, 15)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_today_is_one_local_day_as_utc_instants():
    p = resolve_period("today", None, None, TODAY)
    assert (p.first_day, p.last_day, p.days) == (TODAY, TODAY, 1)
    # São Paulo is UTC-3: midnight local is 03:00 UTC.
    assert p.start == utc(2025, 3, 15, 3) and p.end == utc(2025, 3, 16, 3)
    assert p.previous_start == utc(2025, 3, 14, 3) and p.previous_end == p.start


@pytest.mark.parametrize(
    ("key", "first", "last", "prev_first", "prev_last"),
    [
        ("7d", date(2025, 3, 9), TODAY, date(2025, 3, 2), date(2025, 3, 8)),
        ("30d", date(2025, 2, 14), TODAY, date(2025, 1, 15), date(2025, 2, 13)),
        # month to date: 15 days, compared with the 15 days before the 1st
        ("month", date(2025, 3, 1), TODAY, date(2025, 2, 14), date(2025, 2, 28)),
        # whole previous month (28 days), compared with the 28 days before it
        ("last_month", date(2025, 2, 1), date(2025, 2, 28), date(2025, 1, 4), date(2025, 1, 31)),
    ],
)
def test_presets_and_previous_period_of_equal_length(key, first, last, prev_first, prev_last):
    p = resolve_period(key, None, None, TODAY)
    assert (p.first_day, p.last_day) == (first, last)
    assert (p.previous_first_day, p.previous_last_day) == (prev_first, prev_last)
    assert (p.previous_last_day - p.previous_first_day).days + 1 == p.days
    assert p.query_args() == {"period": key}


def test_no_arguments_means_30_days():
    assert resolve_period(None, None, None, TODAY).key == "30d"


def test_custom_range_in_iso_or_brazilian_format_wins_over_preset():
    p = resolve_period("7d", "01/03/2025", "2025-03-31", TODAY)
    assert p.key == "custom" and p.days == 31
    assert p.start == utc(2025, 3, 1, 3) and p.end == utc(2025, 4, 1, 3)
    assert (p.previous_first_day, p.previous_last_day) == (date(2025, 1, 29), date(2025, 2, 28))
    assert p.query_args() == {"from": "2025-03-01", "to": "2025-03-31"}
    assert p.label == "01/03/2025 a 31/03/2025"


def test_last_month_in_january_is_december():
    p = resolve_period("last_month", None, None, date(2025, 1, 10))
    assert (p.first_day, p.last_day) == (date(2024, 12, 1), date(2024, 12, 31))


@pytest.mark.parametrize(
    ("period", "date_from", "date_to", "field"),
    [
        ("ontem", None, None, "period"),
        (None, "2025-03-10", "2025-03-01", "from"),
        (None, "31/02/2025", "2025-03-01", "from"),
        (None, "2025-03-01", None, "to"),
        ("custom", None, None, "from"),
        (None, "2020-01-01", "2025-01-01", "to"),
        # the previous period would start before year 1, the UTC end after year 9999
        (None, "0001-01-01", "0001-01-05", "from"),
        (None, "9999-12-25", "9999-12-31", "from"),
    ],
)
def test_bad_periods_are_validation_errors_in_portuguese(period, date_from, date_to, field):
    with pytest.raises(ValidationFailed) as error:
        resolve_period(period, date_from, date_to, TODAY)
    assert field in error.value.fields
    assert error.value.status == 422


def test_local_today_uses_sao_paulo():
    # 02:00 UTC on the 16th is still the 15th in São Paulo.
    assert local_today(now=utc(2025, 3, 16, 2)) == date(2025, 3, 15)


def test_a_half_given_range_names_only_the_date_left_out():
    with pytest.raises(ValidationFailed) as error:
        resolve_period(None, "abc", None, TODAY)
    assert error.value.fields == {"to": "Informe a data final."}
