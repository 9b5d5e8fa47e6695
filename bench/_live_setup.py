"""Creates the benchmark's organiser and a signed-in session; prints the cookie names and key."""

from __future__ import annotations

import json
from importlib import import_module

import django


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench-organiser").first()
    if user is None:
        user = user_model.objects.create_superuser("bench-organiser", password=None)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(
        json.dumps(
            {
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "session": session.session_key,
                "csrf_cookie": settings.CSRF_COOKIE_NAME,
            }
        )
    )


if __name__ == "__main__":
    main()
