"""Language choice: Chinese unless the user switched, and the switch is remembered.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language
phone would get English on first sight. Leitai's users are a Chinese organisation's officials and
the public in the hall: the interface is zh-Hans until someone presses the switch, which sets a
long-lived cookie (Django's own `set_language` view).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _label in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
