"""Folding names for the search: accents and case never decide whether a name is found."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from webapp.core.text_search import escape_like, fold

NAMES = [
    ("Açúcar refinado", "acucar refinado"),
    ("AÇÚCAR", "acucar"),
    ("  João   da\tSILVA ", "joao da silva"),
    ("Natália Conceição", "natalia conceicao"),
    ("Pão de Queijo Ñandú", "pao de queijo nandu"),
    ("Müller Straße", "muller strasse"),
    ("ﬁlé ½ kg", "file 1⁄2 kg"),
    ("Øresund 北京", "øresund 北京"),  # nothing to strip: kept, not dropped
]
MIGRATION = Path(__file__).parents[2] / "migrations/versions/0015_name_folded_search.py"


@pytest.mark.parametrize("name,folded", NAMES)
def test_fold_drops_accents_case_and_extra_spaces(name, folded):
    assert fold(name) == folded


def test_the_migration_backfills_with_the_same_folding():
    spec = importlib.util.spec_from_file_location("migration_0015", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for name, _folded in NAMES:
        assert migration.fold(name) == fold(name), name


def test_escape_like_makes_wildcards_literal():
    assert escape_like("e_d 10% a\\b") == "e\\_d 10\\% a\\\\b"
