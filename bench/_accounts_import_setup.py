"""Builds the account-import benchmark's city: one live arena (bench._arena_setup) and an
organiser of the whole city, who will import the accounts.

Run with Django's settings in the benchmark's environment (`python -m bench._accounts_import_setup
J P`); prints one JSON line: bench._arena_setup's, plus the organiser's session and the units the
imported accounts may be given roles at.
"""

from __future__ import annotations

import json
import sys

import django


def main() -> None:
    judges, participants = (int(value) for value in sys.argv[1:3])
    django.setup()
    from bench._arena_setup import build, session_for
    from leitai.accounts.models import Role
    from leitai.accounts.services import create_user, grant_role
    from leitai.orgs.models import Unit

    city = build(1, judges, participants)
    organiser = create_user(
        username="bench-organiser", password="bench-organiser-42", must_change_password=False
    )
    grant_role(user=organiser, unit=Unit.objects.get(code="B0"), role=Role.ORGANISER)
    city["organiser_session"] = session_for(organiser)
    city["units"] = list(
        Unit.objects.filter(code__startswith="B0000").values_list("code", flat=True)
    )
    print(json.dumps(city))


if __name__ == "__main__":
    main()
