"""Every answer of the API that is not a success has one body, {"code", "detail", …}, and is
documented on the operation that can give it.

`answers()` builds a route's `response` (and the refusals' descriptions) so that each endpoint
names its refusals in one place and the 503 of a busy database is never forgotten; the handlers
give ninja's own refusals (not signed in, not found, invalid request) the same body that
ArenaRefusal and the busy middleware give, so a client reads one shape everywhere. It lives in
core because every app's endpoints use it; leitai.api only assembles them and installs the handlers.
"""

from __future__ import annotations

from enum import StrEnum
from http import HTTPStatus
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import ConfigDict, Field


class Refusal(Schema):
    """Nothing was changed. `code` is for programs, `detail` for people (in the request's
    language); some refusals add fields that say more (e.g. `errors`, the invalid fields)."""

    model_config = ConfigDict(extra="allow")

    code: str = Field(description="what went wrong, e.g. not_signed_in, not_found, busy")
    detail: str = Field(description="the same for people, in the request's language")


class RefusalCode(StrEnum):
    NOT_SIGNED_IN = "not_signed_in"
    CSRF_FAILED = "csrf_failed"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID_REQUEST = "invalid_request"
    REFUSED = "refused"
    BUSY = "busy"  # the database is too busy to answer now (leitai.core.busy)


# What each refusal means, shown with its body in the OpenAPI schema.
MEANINGS = {
    HTTPStatus.BAD_REQUEST: "The body is not JSON.",
    HTTPStatus.UNAUTHORIZED: "Not signed in (a judge: the link signs nobody in; see the code).",
    HTTPStatus.FORBIDDEN: "Signed in but not allowed, or the X-CSRFToken header is missing.",
    HTTPStatus.NOT_FOUND: "No such object in the caller's scope (existence is not revealed).",
    HTTPStatus.CONFLICT: "Not possible in the current state; the code says why.",
    HTTPStatus.UNPROCESSABLE_ENTITY: "The request is invalid; the fields are named.",
    HTTPStatus.SERVICE_UNAVAILABLE: "The database is busy; send it again after Retry-After.",
}

# A body that is not JSON (400) or not what the schema asks for (422).
INVALID_BODY = (HTTPStatus.BAD_REQUEST, HTTPStatus.UNPROCESSABLE_ENTITY)

# Every operation reads the database, which may be too busy to answer (leitai.core.busy).
ALWAYS = (HTTPStatus.SERVICE_UNAVAILABLE,)


def answers(ok: Any, *refused: int) -> dict[str, Any]:
    """A route's keyword arguments documenting its success (a schema, or {status: schema}) and
    every refusal it can give (HTTPStatus members), each with the Refusal body and its meaning."""
    statuses = sorted({*(HTTPStatus(status) for status in refused), *ALWAYS})
    success = ok if isinstance(ok, dict) else {HTTPStatus.OK: ok}
    response = {int(status): model for status, model in success.items()}
    response.update({int(status): Refusal for status in statuses})
    return {
        "response": response,
        "openapi_extra": {"responses": {int(s): {"description": MEANINGS[s]} for s in statuses}},
    }


def sign_in_first() -> str:
    return _("Sign in first: this needs a signed-in account.")


def refusal_body(code: str, detail: str, **more: Any) -> dict[str, Any]:
    """The body of every refusal (the Refusal schema), whoever answers it: ninja's handlers,
    ArenaRefusal, the busy middleware, the docs' guard."""
    return {"code": code, "detail": detail, **more}


def refusal_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, detail: str, **more: Any
) -> HttpResponse:
    return api.create_response(request, refusal_body(code, detail, **more), status=status)


def _invalid_fields(errors: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg', '')}"
        for error in errors
    )


def install_handlers(api: NinjaAPI) -> None:
    """ninja's refusals, in the Refusal shape (ninja's own bodies carry `detail` only)."""

    @api.exception_handler(AuthenticationError)
    def not_signed_in(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        return refusal_response(api, request, 401, RefusalCode.NOT_SIGNED_IN, sign_in_first())

    # An id in the request that names nothing here (a service's .get() missed) answers the same
    # 404 as get_object_or_404, never a 500.
    @api.exception_handler(ObjectDoesNotExist)
    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Exception) -> HttpResponse:
        detail = _("Not found here (or not yours to see).")
        return refusal_response(api, request, 404, RefusalCode.NOT_FOUND, detail)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        code = getattr(error, "code", None) or {
            400: RefusalCode.INVALID_REQUEST,  # ninja: the body is not JSON
            401: RefusalCode.NOT_SIGNED_IN,
            403: RefusalCode.FORBIDDEN,
            404: RefusalCode.NOT_FOUND,
        }.get(error.status_code, RefusalCode.REFUSED)
        return refusal_response(api, request, error.status_code, code, str(error))

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
        detail = _("The request is invalid: %(fields)s") % {"fields": _invalid_fields(error.errors)}
        return refusal_response(
            api, request, 422, RefusalCode.INVALID_REQUEST, detail, errors=error.errors
        )


class ApiRefusal(HttpError):
    """A refusal with its own code (e.g. csrf_failed) where ninja would give a bare HttpError."""

    def __init__(self, status: HTTPStatus, code: RefusalCode, detail: str) -> None:
        super().__init__(int(status), detail)
        self.code = code
