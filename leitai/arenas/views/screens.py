"""The big screen for the projector and the same live view on anyone's phone (public pages).

Both pages carry their first state in the HTML (json_script), so the first paint needs no extra
request; after that they only listen to the hub (`arena:<id>:screen`), never poll.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from leitai.arenas.live.publish import screen_topic
from leitai.arenas.models import Arena
from leitai.arenas.views.common import snapshot_or_404
from leitai.core.qr import qr_svg
from leitai.programs.rubrics import criterion_label


def live_url(arena_id: int) -> str:
    return f"{settings.PUBLIC_URL}{reverse('arenas:live', args=[arena_id])}"


def screen_strings() -> dict[str, str]:
    """Everything the screen's script writes, in the page's language (%(name)s placeholders)."""
    return {
        "welcome": _("Welcome"),
        "starting_soon": _("The contest begins shortly"),
        "order": _("Order of presentation"),
        "order_pending": _("The order of presentation will be drawn by lot"),
        "position_of": _("No. %(n)s of %(total)s"),
        "presenting": _("Now presenting"),
        "up_next": _("Up next"),
        "no_notes": _("Without notes"),
        "timer_stopped": _("Ready"),
        "timer_running": pgettext("timer", "Running"),
        "timer_paused": pgettext("timer", "Paused"),
        "time_up": _("Time is up"),
        "judges": _("Judges"),
        "judges_progress": _("%(done)s of %(total)s judges have scored"),
        # Translators: a judge who has not yet scored the current presenter.
        "status_waiting": pgettext("judge status", "Waiting"),
        "status_submitted": _("Scored"),
        "status_recused": _("Recused"),
        "status_absent": _("Absent"),
        "scoring_soon": _("Scoring opens after the presentation"),
        "scoring_open": _("Judges are scoring"),
        "scoring_closed": _("Scoring closed, awaiting confirmation"),
        "confirmed": _("Result confirmed"),
        "panel_score": _("Panel score"),
        # Over an earlier result the host shows again after a correction.
        "corrected": _("Corrected result"),
        "judges_totals": _("Judges' totals"),
        "dropped": _("dropped"),
        "note_trimmed": _("%(judges)s judges: the %(trim)s highest and %(trim)s lowest dropped"),
        "note_trimmed_criterion": _(
            "%(judges)s judges: the %(trim)s highest and %(trim)s lowest marks of each "
            "criterion dropped"
        ),
        "note_too_few": _("Fewer than %(min)s judges (%(judges)s): nothing dropped"),
        "note_not_trimming": _("%(judges)s judges: nothing dropped"),
        "ranking": _("Live ranking"),
        "final_ranking": _("Final ranking"),
        "rank_n": _("Rank %(n)s"),
        "tied": _("tied"),
        "more": _("and %(n)s more"),
        "page_of": _("Page %(page)s of %(pages)s"),
        "no_results": _("No results yet"),
        "closed": _("The contest has ended"),
        # Translators: followed by the units that are not ranked, e.g. "X (absent)".
        "not_ranked": _("Not ranked:"),
        "not_ranked_item": _("%(unit)s (%(status)s)"),
        "reconnecting": _("Connection lost, reconnecting…"),
        "refused": _("The live connection was refused; reload the page"),
        "sound_hint": _("Click anywhere to enable the time-up sound"),
        "withdrawn": _("Withdrawn"),
        "absent": _("Absent"),
        "done": _("Done"),
        "minutes_each": _("%(n)s minutes for each presentation"),
        "draw": _("Lot drawing"),
        "draw_list": _("Frozen list"),
        "draw_order": _("Order drawn"),
        "draw_commitment": _("1 · Commitment"),
        "draw_commitment_help": _(
            "SHA-256 of a secret seed and this list, published before the hall's digits"
        ),
        "draw_public": _("2 · The hall's digits"),
        "draw_public_waiting": _("A representative of the participants calls out digits"),
        "draw_seed": _("3 · The seed"),
        "draw_seed_waiting": _("Revealed after the draw"),
        "draw_check": _(
            "Anyone can check the commitment and the order: the public results page gives "
            "the files and the command"
        ),
    }


def page_rule(arena: Arena) -> dict[str, Any]:
    """What the screen's and the judge's scripts need of the panel rule."""
    rule = arena.rules.rule
    return {"mode": rule.mode.value, "trim": rule.trim, "min_panel": rule.min_panel}


def page_config(arena: Arena, mode: str) -> dict[str, Any]:
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "mode": mode,
        "topic": screen_topic(arena.pk),
        "language": language,
        "strings": screen_strings(),
        "criteria": {c["key"]: criterion_label(c, language) for c in arena.rubric},
        "rule": page_rule(arena),
    }


def _render(request: HttpRequest, arena_id: int, *, template: str, mode: str) -> HttpResponse:
    snapshot = snapshot_or_404(arena_id)
    url = live_url(arena_id)
    return render(
        request,
        template,
        {
            "arena": snapshot.arena,
            "state": snapshot.screen(),
            "config": page_config(snapshot.arena, mode),
            "live_url": url,
            "qr": qr_svg(url, css_size="100%"),
        },
    )


def screen_page(request: HttpRequest, arena_id: int) -> HttpResponse:
    """The projector: public, full screen, 16:9."""
    return _render(request, arena_id, template="arenas/screen.html", mode="screen")


def live_page(request: HttpRequest, arena_id: int) -> HttpResponse:
    """The same live view for anyone in the hall, on a phone."""
    return _render(request, arena_id, template="arenas/live.html", mode="live")
