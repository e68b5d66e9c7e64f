"""The filters of the global history page, read from the query string.

Kept as plain parsing rather than a WTForms form: the values live in the URL (shareable,
back button), every field is optional, and each bad value needs its own pt-BR message.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from webapp.audit.labels import ACTIONS
from webapp.core.domain import ValidationFailed
from webapp.core.ids import parse_id

_BR_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(raw: str) -> date:
    """``dd/mm/aaaa`` (typed) or ``aaaa-mm-dd`` (what an HTML date input sends)."""
    text = raw.strip()
    if _BR_DATE.match(text):
        return datetime.strptime(text, "%d/%m/%Y").date()
    if _ISO_DATE.match(text):
        return date.fromisoformat(text)
    raise ValueError(text)


@dataclass
class HistoryFilters:
    table: str = ""
    record_id: str = ""
    actor: str = ""
    action: str = ""
    date_from: str = ""
    date_to: str = ""

    @classmethod
    def from_args(cls, args) -> HistoryFilters:
        return cls(**{name: (args.get(name) or "").strip() for name in cls.__dataclass_fields__})

    def as_args(self) -> dict[str, str]:
        """The filters that are set, for links that keep them (next page, "ver tudo")."""
        return {name: value for name, value in asdict(self).items() if value}

    def date_input(self, name: str) -> str:
        """The value for an ``<input type=date>``, which only takes ``aaaa-mm-dd``."""
        try:
            return parse_date(getattr(self, name)).isoformat()
        except ValueError:
            return ""

    def criteria(self) -> dict[str, Any]:
        """Keyword arguments for ``services.search_history``; ValidationFailed lists bad fields."""
        errors: dict[str, str] = {}
        criteria: dict[str, Any] = {"table": self.table or None, "action": self.action or None}
        if len(self.record_id) > 64:
            errors["record_id"] = "O código do registro tem no máximo 64 caracteres."
        criteria["record_id"] = self.record_id or None
        criteria["actor_id"] = self._actor_id(errors)
        if self.action and self.action not in ACTIONS:
            errors["action"] = "Escolha uma ação da lista."
        for name, text in (("date_from", "inicial"), ("date_to", "final")):
            criteria[name] = self._date(name, text, errors)
        if errors:
            raise ValidationFailed("Confira os filtros destacados.", fields=errors)
        return criteria

    def _actor_id(self, errors: dict[str, str]) -> int | None:
        if not self.actor:
            return None
        actor_id = parse_id(self.actor)
        if actor_id is None:
            errors["actor"] = "Escolha um usuário da lista."
        return actor_id

    def _date(self, name: str, text: str, errors: dict[str, str]) -> date | None:
        raw = getattr(self, name)
        if not raw:
            return None
        try:
            return parse_date(raw)
        except ValueError:
            errors[name] = f"Data {text} inválida: use dd/mm/aaaa."
            return None
