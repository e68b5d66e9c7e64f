"""The period filter shared by every report page and the API (pure, no Flask, no DB).

A period is a range of whole local days (America/Sao_Paulo by default) turned into UTC
instants [start, end). The previous period has the same number of days and ends where this
one starts, so "este mês" on the 10th compares with the 10 days before the 1st.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from webapp.core.domain import ValidationFailed

DEFAULT_PERIOD = "30d"
# Longest custom range: reports stay fast and a typo (2204 for 2024) is caught.
MAX_DAYS = 731
# Outside these, the previous period or the UTC end of the range would leave the calendar
# (year 1 or 9999): a typed 0001 or 9999 is a typo to correct, not an internal error.
FIRST_ALLOWED_DAY = date(1900, 1, 1)
LAST_ALLOWED_DAY = date(2999, 12, 31)
PRESETS: dict[str, str] = {
    "today": "Hoje",
    "7d": "7 dias",
    "30d": "30 dias",
    "month": "Este mês",
    "last_month": "Mês passado",
    "custom": "Personalizado",
}


@dataclass(frozen=True)
class Period:
    key: str
    first_day: date  # inclusive, local
    last_day: date  # inclusive, local
    start: datetime  # UTC instant of first_day 00:00 local
    end: datetime  # UTC instant of (last_day + 1) 00:00 local, exclusive
    previous_start: datetime
    previous_end: datetime
    previous_first_day: date
    previous_last_day: date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def label(self) -> str:
        if self.key != "custom":
            return PRESETS[self.key]
        return f"{self.first_day:%d/%m/%Y} a {self.last_day:%d/%m/%Y}"

    def query_args(self) -> dict[str, str]:
        """The URL arguments that reproduce this period (for links and exports)."""
        if self.key == "custom":
            return {"from": self.first_day.isoformat(), "to": self.last_day.isoformat()}
        return {"period": self.key}

    def day_list(self) -> list[date]:
        return [self.first_day + timedelta(days=n) for n in range(self.days)]


def parse_day(raw: str, field: str) -> date:
    """ISO ``2024-05-31`` (date inputs) or ``31/05/2024``; anything else is a 422."""
    text = (raw or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not FIRST_ALLOWED_DAY <= day <= LAST_ALLOWED_DAY:
            raise ValidationFailed(
                f"Use uma data entre {FIRST_ALLOWED_DAY:%d/%m/%Y} e {LAST_ALLOWED_DAY:%d/%m/%Y}.",
                field=field,
            )
        return day
    raise ValidationFailed("Data inválida: use dd/mm/aaaa.", field=field)


def _utc(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _preset_days(key: str, today: date) -> tuple[date, date]:
    if key == "today":
        return today, today
    if key == "7d":
        return today - timedelta(days=6), today
    if key == "30d":
        return today - timedelta(days=29), today
    if key == "month":
        return today.replace(day=1), today
    # last_month
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def _custom_days(date_from: str | None, date_to: str | None) -> tuple[date, date]:
    missing = {
        field: message
        for field, value, message in (
            ("from", date_from, "Informe a data inicial."),
            ("to", date_to, "Informe a data final."),
        )
        if not value
    }
    if missing:
        raise ValidationFailed("Informe as datas inicial e final do período.", fields=missing)
    first, last = parse_day(date_from, "from"), parse_day(date_to, "to")
    if first > last:
        raise ValidationFailed("A data inicial deve ser anterior à final.", field="from")
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationFailed(f"O período pode ter no máximo {MAX_DAYS} dias.", field="to")
    return first, last


def resolve_period(
    period: str | None,
    date_from: str | None,
    date_to: str | None,
    today: date,
    timezone: str = "America/Sao_Paulo",
) -> Period:
    """(period, from, to, today) -> the period and the previous one of equal length.

    ``from``/``to`` win over ``period`` (a custom range); no argument at all means 30 days.
    """
    if date_from or date_to or period == "custom":
        key = "custom"
        first, last = _custom_days(date_from, date_to)
    else:
        key = (period or DEFAULT_PERIOD).strip()
        if key not in PRESETS:
            raise ValidationFailed("Período desconhecido.", field="period")
        first, last = _preset_days(key, today)
    zone = ZoneInfo(timezone)
    length = (last - first).days + 1
    prev_last = first - timedelta(days=1)
    prev_first = first - timedelta(days=length)
    return Period(
        key=key,
        first_day=first,
        last_day=last,
        start=_utc(first, zone),
        end=_utc(last + timedelta(days=1), zone),
        previous_start=_utc(prev_first, zone),
        previous_end=_utc(first, zone),
        previous_first_day=prev_first,
        previous_last_day=prev_last,
    )


def local_today(timezone: str = "America/Sao_Paulo", now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)).date()
