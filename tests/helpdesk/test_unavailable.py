"""Which errors answer 503 (the database is unavailable) and which stay a 500 (a bug)."""

import sqlite3
import tempfile
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.urls import path

from helpdesk.unavailable import database_unavailable
from tests.services import free_port


def unopenable_sqlite():
    # Its folder does not exist: SQLite cannot create the file (root could read any file).
    sqlite3.connect(str(Path(tempfile.gettempdir()) / f"gone-{uuid.uuid4().hex}" / "db.sqlite3"))


def view_database_unavailable(request):
    unopenable_sqlite()


def view_missing_table(request):
    # In a savepoint: on PostgreSQL the failed statement must not abort the test's transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_anywhere")


def view_bug(request):
    raise ValueError("a plain bug")


urlpatterns = [
    path("database-unavailable/", view_database_unavailable),
    path("missing-table/", view_missing_table),
    path("bug/", view_bug),
]
handler500 = "helpdesk.unavailable.server_error"


def raised(call) -> BaseException:
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the test looks at whatever it was
        return exc
    raise AssertionError("nothing raised")


def test_an_sqlite_file_that_cannot_be_opened_is_unavailable():
    assert database_unavailable(raised(unopenable_sqlite))


@pytest.mark.django_db
def test_a_missing_table_is_a_bug_not_an_outage_on_either_database():
    # SQLite reports it as OperationalError, PostgreSQL as ProgrammingError: both stay 500s.
    assert not database_unavailable(raised(lambda: view_missing_table(None)))


def test_a_refused_postgresql_connection_and_a_pool_timeout_are_unavailable():
    psycopg = pytest.importorskip("psycopg")
    from psycopg_pool import ConnectionPool, PoolTimeout

    url = f"postgresql://postgres@127.0.0.1:{free_port()}/helpdesk"
    assert database_unavailable(raised(lambda: psycopg.connect(url)))
    with ConnectionPool(url, min_size=0, max_size=1, open=True,
                        reconnect_timeout=0.5) as pool:
        exc = raised(lambda: pool.getconn(timeout=0.2))
    assert isinstance(exc, PoolTimeout)
    assert database_unavailable(exc)


def test_other_errors_are_not_unavailability():
    assert not database_unavailable(ValueError("x"))
    assert not database_unavailable(None)


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_an_unavailable_database_answers_503_with_retry_after_without_a_query(
    client, django_assert_num_queries,
):
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        response = client.get("/database-unavailable/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert response["Content-Language"] == "zh-hans"
    assert b'data-testid="unavailable"' in response.content
    assert b'<html lang="zh-hans">' in response.content


@pytest.mark.urls(__name__)
@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/missing-table/", "/bug/"])
def test_a_bug_still_answers_500(client, url):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 500
    assert "Retry-After" not in response
