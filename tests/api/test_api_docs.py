"""/api/docs: Swagger UI from the package's own files (a venue may have no internet), and the
schema and its docs only for signed-in users unless LEITAI_API_DOCS_PUBLIC is set."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client, override_settings
from playwright.sync_api import Page, Request, expect

from leitai.accounts.models import Role
from tests.factories import PASSWORD, make_user, small_city
from tests.support.screenshots import screenshot
from tests.support.server import ServerProcess

LINKS = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def signed_in_client() -> Client:
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    client = Client()
    assert client.login(username="org", password=PASSWORD)
    return client


@pytest.mark.django_db
def test_docs_page_loads_everything_from_this_server() -> None:
    client = signed_in_client()
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    links = LINKS.findall(html)
    assert any(link.endswith("swagger-ui-bundle.js") for link in links)
    for link in links:
        assert link.startswith("/"), link  # no other host, no CDN
        assert not link.startswith("//"), link
        assert client.get(link).status_code == 200, link
    # Swagger UI's default validator badge would be fetched from an outside service.
    settings = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S)[1])
    assert settings["validatorUrl"] is None


@pytest.mark.django_db
def test_schema_and_docs_are_for_signed_in_users() -> None:
    anonymous = Client()
    docs = anonymous.get("/api/docs")
    assert docs.status_code == 302
    assert docs["Location"].startswith("/accounts/login/?next=/api/docs")
    schema = anonymous.get("/api/openapi.json")
    assert (schema.status_code, schema.json()["code"]) == (401, "not_signed_in")
    assert signed_in_client().get("/api/openapi.json").status_code == 200


@pytest.mark.django_db
@override_settings(API_DOCS_PUBLIC=True)
def test_docs_public_when_configured() -> None:
    anonymous = Client()
    assert anonymous.get("/api/docs").status_code == 200
    assert anonymous.get("/api/openapi.json").json()["info"]["title"] == "Leitai API"


@pytest.mark.browser
@pytest.mark.server
def test_swagger_ui_renders_without_leaving_the_server(
    served: ServerProcess, page: Page, artefacts_dir: Path
) -> None:
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    elsewhere: list[str] = []

    def note(request: Request) -> None:
        if not request.url.startswith((served.url, "data:")):
            elsewhere.append(request.url)

    page.on("request", note)
    page.goto(f"{served.url}/accounts/login/?next=/api/docs")
    page.fill("#id_username", "org")
    page.fill("#id_password", PASSWORD)
    page.click(".auth-card button[type=submit]")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text("/api/arenas/{arena_id}/actions/{action}")
    page.locator(".opblock-summary-path", has_text="/api/orgs/units/{code}").click()
    expect(page.locator(".swagger-ui .responses-table").first).to_contain_text("503")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, path=str(artefacts_dir / "api-docs.png"), full_page=False)
    assert elsewhere == []
