"""Schemathesis over the served OpenAPI schema, as a persona: no server error, every answer
documented (status, content type, body). Shared by the bounded run in the test suite and the
longer one in bench/api_fuzz.py.

Requests go in-process through Django's WSGI handler, so they see the test's database; the
generated cases are valid (positive) and invalid (negative) ones, and half of them carry ids of
the world's real arenas, participants, judges and units instead of random ones, so that they
reach past the 404 of an unknown id into the permission checks and the services.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from leitai.api.urls import api
from tests.api.world import World, any_of

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ_PERSONAS = ["anonymous", "organiser", "host", "judge"]


def operation_labels() -> list[str]:
    schema = json.loads(json.dumps(api.get_openapi_schema()))
    return [
        f"{method.upper()} {path}"
        for path, methods in schema["paths"].items()
        for method in methods
    ]


@contextmanager
def in_test_transaction() -> Iterator[None]:
    """Django closes "old" connections around each request, which would drop the test's open
    transaction (and its data): its own test client turns that off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def served_schema(world: World) -> Any:
    """The schema as /api/openapi.json serves it (to a signed-in organiser)."""
    served = world.client("organiser").get("/api/openapi.json")
    assert served.status_code == 200
    schema = schemathesis.openapi.from_dict(served.json())
    schema.app = WSGIHandler()
    return schema


def _with_real_ids(case: Any, ids: dict[str, Any], draw: Callable[[Any], Any]) -> Any:
    for name, choices in ids.items():
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = draw(st.sampled_from(choices))
        if isinstance(case.body, dict) and name in case.body:
            case.body[name] = draw(st.sampled_from(choices))
    return case


def cases(operation: Any, world: World) -> st.SearchStrategy[Any]:
    ids = any_of(world)
    generated = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @st.composite
    def real(draw: Callable[[Any], Any]) -> Any:
        return _with_real_ids(draw(generated), ids, draw)

    return st.one_of(generated, real())


def fuzz(world: World, label: str, persona: str, *, examples: int, seeded: bool = True) -> None:
    """Raises on the first failing case (hypothesis shrinks it and reports it). `seeded`: the
    same cases on every run (the test suite); otherwise new ones each time (the benchmark)."""
    method, path = label.split(" ", 1)
    schema = served_schema(world)
    operation = schema[path.removeprefix(schema.base_path.rstrip("/"))][method]
    # Signed in before the run: Django's test client re-arms the connection closing.
    headers = world.headers(persona) if persona != "anonymous" else {}
    cookies = world.cookies(persona) if persona != "anonymous" else {}

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=seeded,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases(operation, world))
    def run(case: Any) -> None:
        case.headers = {**(case.headers or {}), **headers}
        response = case.call(cookies=cookies)
        case.validate_response(response, checks=CHECKS)

    with in_test_transaction():
        run()
