"""A database too busy to answer in time: 503, Retry-After and nothing changed, never a 500."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from psycopg_pool import PoolTimeout

from leitai.core.busy import BusyDatabaseMiddleware, is_busy
from tests.arena_factories import marks
from tests.faults.test_sheet_refusals import NothingStored, post_sheet, scoring_world


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_sheet_meeting_a_held_write_lock_is_answered_503_and_stored_nowhere() -> None:
    world, participant = scoring_world(participants=2, judges=3)
    untouched = NothingStored(world.arena)
    options = connection.settings_dict["OPTIONS"]
    kept_timeout = options["timeout"]
    connection.close()
    options["timeout"] = 0.2  # instead of waiting 20 s for the lock
    other = sqlite3.connect(connection.settings_dict["NAME"])
    other.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        response = post_sheet(world.tokens["J1"], participant, marks("20"))
    finally:
        other.rollback()
        other.close()
        connection.close()
        options["timeout"] = kept_timeout
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response.json() == {
        "code": "busy",
        "detail": "The server is busy. Nothing was changed; try again.",
    }
    untouched.check()
    # The phone's retry, once the lock is gone, is stored.
    assert post_sheet(world.tokens["J1"], participant, marks("20")).status_code == 201


def test_a_page_meeting_a_busy_database_gets_a_busy_page() -> None:
    request = RequestFactory().get("/orgs/")
    request.user = None  # type: ignore[assignment]
    middleware = BusyDatabaseMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    response = middleware.process_exception(request, OperationalError("database is locked"))
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert 'data-status="503"' in response.content.decode()


def test_what_counts_as_busy() -> None:
    wrapped = OperationalError("couldn't get a connection after 30.00 sec")
    wrapped.__cause__ = PoolTimeout("couldn't get a connection after 30.00 sec")
    assert is_busy(OperationalError("database is locked"))
    assert is_busy(wrapped)
    assert is_busy(PoolTimeout("timeout"))
    assert not is_busy(OperationalError("no such table: orgs_unit"))
    assert not is_busy(ValueError("database is locked"))


@pytest.mark.django_db
def test_an_unknown_page_is_a_friendly_404_in_chinese(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-status="404"' in page
    assert "页面不存在" in page
    assert "返回首页" in page


def test_the_server_error_page_renders_without_a_request_context() -> None:
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("zh-hans"):  # as the language middleware left it for the request
        response = server_error(RequestFactory().get("/orgs/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert 'data-status="500"' in page
    assert "服务器出现错误" in page
