"""The lazy ``cursor.description`` says what psycopg's own does, whenever it is read."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from tests.conftest import requires_postgres
from webapp.core.pg_cursor import LazyDescription
from webapp.extensions import db
from webapp.identity.models import User

pytestmark = requires_postgres


def _plain_description(dbapi_connection, sql: str):
    import psycopg

    with psycopg.ClientCursor(dbapi_connection) as cursor:  # psycopg's own description
        cursor.execute(sql)
        return [(c.name, c.type_code, c.internal_size) for c in cursor.description]


def _columns(description) -> list[tuple]:
    return [(c.name, c.type_code, c.internal_size) for c in description]


def test_the_app_connections_use_it(app):
    with app.app_context():
        cursor = db.session.connection().connection.dbapi_connection.cursor()
        cursor.execute("SELECT 1 AS one, 'x'::text AS letter")
        assert isinstance(cursor.description, LazyDescription)


def test_columns_match_psycopg(app):
    sql = "SELECT 1::bigint AS id, 'a'::varchar(20) AS name, now() AS at, 1.5::numeric AS n"
    with app.app_context():
        raw = db.session.connection().connection.dbapi_connection
        cursor = raw.cursor()
        cursor.execute(sql)
        description = cursor.description
        assert len(description) == 4
        assert _columns(description) == _plain_description(raw, sql)
        assert description[1].name == "name"
        assert [c.name for c in description[-2:]] == ["at", "n"]
        assert description == description._built()  # compares as the list it stands for


def test_read_after_the_cursor_moved_on_still_describes_its_own_result(app):
    with app.app_context():
        cursor = db.session.connection().connection.dbapi_connection.cursor()
        cursor.execute("SELECT 1 AS first_result")
        earlier = cursor.description
        cursor.execute("SELECT 2 AS a, 3 AS b")
        assert [c.name for c in earlier] == ["first_result"]
        assert [c.name for c in cursor.description] == ["a", "b"]


def test_statements_without_rows_have_none_and_empty_selects_have_an_empty_one(app):
    with app.app_context():
        cursor = db.session.connection().connection.dbapi_connection.cursor()
        cursor.execute("SET LOCAL statement_timeout = 0")
        assert cursor.description is None
        cursor.execute("SELECT")
        assert cursor.description is not None and len(cursor.description) == 0


def test_orm_and_text_queries_read_their_columns(app, tenant):
    """ORM statements, run twice so the second finds its compiled form cached."""
    query = select(User).where(User.id == tenant.id).execution_options(all_tenants=True)
    with app.app_context():
        for _ in range(2):
            assert db.session.scalars(query).one().email == tenant.email
            db.session.expunge_all()
        row = db.session.execute(text("SELECT 7 AS seven, 'x' AS letter")).one()
        assert (row.seven, row.letter) == (7, "x")


@pytest.mark.parametrize("index", [0, -1])
def test_indexing_an_empty_description_fails_like_a_list(app, index):
    with app.app_context():
        cursor = db.session.connection().connection.dbapi_connection.cursor()
        cursor.execute("SELECT")
        with pytest.raises(IndexError):
            cursor.description[index]
