"""The host's pages: the list of arenas, creating one, setting it up, and the live console."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from leitai.arenas import forms as arena_forms
from leitai.arenas import queries
from leitai.arenas.commands import Surface, run_command
from leitai.arenas.errors import ArenaRefusal, NotInArena
from leitai.arenas.live.publish import console_topic
from leitai.arenas.live.state import ArenaSnapshot
from leitai.arenas.models import (
    Arena,
    ArenaState,
    DrawState,
    ParticipantStatus,
)
from leitai.arenas.permissions import (
    can_create_arenas,
    can_host_at,
    can_list_arenas,
    can_run_arena,
    can_view_arena,
)
from leitai.arenas.services import setup
from leitai.arenas.services.common import closed_reason
from leitai.arenas.services.draw import verify_command
from leitai.arenas.tokens import judge_link
from leitai.arenas.views.common import arena_or_404, visible_arena_or_404
from leitai.core.qr import qr_svg
from leitai.programs.rubrics import criterion_description, criterion_label
from leitai.scoring.codec import RubricError, parse_rule
from leitai.scoring.panel import Method, Mode


def _runnable(request: HttpRequest, arena_id: int) -> Arena:
    arena = visible_arena_or_404(request, arena_id)
    if not can_run_arena(request.user, arena):
        raise PermissionDenied
    return arena


@login_required
def arena_list(request: HttpRequest) -> HttpResponse:
    if not can_list_arenas(request.user):
        raise PermissionDenied
    arenas = queries.arenas_listed_for(request.user)
    return render(
        request,
        "arenas/list.html",
        {
            "arenas": arenas,
            "can_create": can_create_arenas(request.user),
            "open_for_me": queries.open_for_registration(request.user),
        },
    )


@login_required
def arena_create(request: HttpRequest) -> HttpResponse:
    if not can_create_arenas(request.user):
        raise PermissionDenied
    form = arena_forms.ArenaForm(request.POST or None, hosts=queries.host_units(request.user))
    if request.method == "POST" and form.is_valid():
        host = form.cleaned_data["host"]
        if not can_host_at(request.user, host):
            form.add_error(
                "host",
                ValidationError(arena_forms.NOT_A_HOST_UNIT, params={"code": host.code}),
            )
        else:
            data = form.cleaned_data
            arena = setup.create_arena(
                programme=data["programme"],
                title=data["title"],
                host=host,
                venue=data["venue"],
                starts_at=data["starts_at"],
                by=request.user,
                presentation_seconds=data["presentation_seconds"],
                warning_seconds=data["warning_seconds"],
                reveal_marks=data["reveal_marks"],
            )
            messages.success(request, _("Arena created. Add participants and judges next."))
            return redirect("arenas:detail", arena_id=arena.pk)
    return render(request, "arenas/create.html", {"form": form})


class FormInvalid(ValidationError):
    """A set-up form that did not validate: each message names the field by its label, and the
    bound form goes back to the page so that what the host typed is not lost."""

    def __init__(self, form: forms.BaseForm) -> None:
        self.form = form
        super().__init__(
            [
                f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
                for name, errors in form.errors.items()
                for error in errors
            ]
        )


# Going live this long before the scheduled time earns a warning: the day's record (and the score
# sheet) then starts well before the time announced to the hall.
EARLY_GO_LIVE = dt.timedelta(minutes=30)

# The set-up page's forms, by action: what each validates before its command runs.
SETUP_FORMS: dict[str, type[forms.Form] | type[forms.ModelForm]] = {  # type: ignore[type-arg]
    "details": arena_forms.ArenaForm,
    "rubric": arena_forms.RubricForm,
    "participant": arena_forms.ParticipantForm,
    "judge": arena_forms.JudgeForm,
    "presence": arena_forms.PresenceForm,
    "recusal": arena_forms.RecusalForm,
    "lift_absence": arena_forms.LiftAbsenceForm,
}
# Where the page returns to after each action.
SETUP_SECTIONS = {
    "details": "details",
    "rubric": "rubric",
    "participant": "participants",
    "withdraw": "participants",
    "short_name": "participants",
    "judge": "panel",
    "head": "panel",
    "reissue": "panel",
    "revoke": "panel",
    "presence": "panel",
    "recusal": "recusals",
    "lift_absence": "recusals",
    "accept_declaration": "recusals",
    "decline_declaration": "recusals",
    "freeze": "draw",
    "draw": "draw",
    "reveal": "draw",
    "go_live": "console",
}
# The forms the set-up page shows, by action: a refused one goes back bound, with what was typed.
SETUP_PAGE_FORMS = {
    "details": "details_form",
    "participant": "participant_form",
    "judge": "judge_form",
}


def _setup_data(request: HttpRequest, action: str, arena: Arena) -> dict[str, Any]:
    """The action's inputs: its form's cleaned data, or the raw fields (ids the command
    layer resolves) for actions without a form."""
    form_class = SETUP_FORMS.get(action)
    if form_class is None:
        return request.POST.dict()
    if form_class is arena_forms.ArenaForm:
        form = form_class(request.POST, instance=arena)
    else:
        form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        raise FormInvalid(form)
    data = dict(form.cleaned_data)
    if action == "rubric":
        data["rubric"], data["rule"] = data["rubric_json"], data["rule_json"]
    return data


def _handle_setup_post(request: HttpRequest, arena: Arena) -> str:
    """One POST on the set-up page, run through the arena's command table; returns the section
    to return to. Refusals become messages; an id outside the arena is a 404."""
    action = request.POST.get("action", "")
    data = _setup_data(request, action, arena)
    run_command(action, Surface.SETUP, arena=arena, data=data, by=request.user)
    return SETUP_SECTIONS.get(action, "")


@login_required
def arena_detail(request: HttpRequest, arena_id: int) -> HttpResponse:
    arena = visible_arena_or_404(request, arena_id)
    may_run = can_run_arena(request.user, arena)
    if request.method == "POST":
        if not may_run:
            raise PermissionDenied
        try:
            section = _handle_setup_post(request, arena)
        except NotInArena:
            raise Http404 from None
        except FormInvalid as invalid:
            for text in invalid.messages:
                messages.error(request, text)
            action = request.POST.get("action", "")
            name = SETUP_PAGE_FORMS.get(action)
            return _render_detail(
                request, arena, may_run, {name: invalid.form} if name else {}, status=400
            )
        except (ArenaRefusal, ValidationError) as refusal:
            text = (
                refusal.message
                if isinstance(refusal, ArenaRefusal)
                else "; ".join(refusal.messages)
            )
            messages.error(request, text)
            section = request.POST.get("action", "")
        else:
            if section == "console":
                return redirect("arenas:console", arena_id=arena.pk)
            messages.success(request, _("Saved."))
        return redirect(f"{request.path}#{section}")
    return _render_detail(request, arena, may_run, {})


def _render_detail(
    request: HttpRequest,
    arena: Arena,
    may_run: bool,
    bound: dict[str, forms.BaseForm],
    status: int = 200,
) -> HttpResponse:
    snapshot = ArenaSnapshot(arena.pk)
    participants = snapshot.participants
    for participant in participants:
        # What the screens call it, shown beside the short-name field.
        participant.screen_name = snapshot.names[participant.pk]  # type: ignore[attr-defined]
    judges = snapshot.judges
    recusals = queries.recusals_and_absences_of(arena)
    declarations = queries.pending_declarations(arena)
    details_form = arena_forms.ArenaForm(instance=arena)
    locked = closed_reason() if arena.state == ArenaState.CLOSED else ""
    if locked:
        for field in details_form.fields.values():
            field.disabled = True
    return render(
        request,
        "arenas/detail.html",
        {
            "arena": arena,
            "may_run": may_run,
            "participants": participants,
            "judges": judges,
            "links": {j.pk: judge_link(j) for j in judges} if may_run else {},
            "recusals": recusals,
            "declarations": declarations,
            "locked": locked,
            "rubric": localised_rubric(arena.rubric),
            "rule_summary": rule_summary(arena.rule),
            "rubric_json": json.dumps(arena.rubric, ensure_ascii=False, indent=2),
            "rule_json": json.dumps(arena.rule, ensure_ascii=False, indent=2),
            "details_form": details_form,
            "participant_form": arena_forms.ParticipantForm(),
            "judge_form": arena_forms.JudgeForm(),
            **bound,
            "verify_command": verify_command(arena)
            if arena.draw_state == DrawState.REVEALED
            else "",
            "states": ArenaState,
            "draw_states": DrawState,
            "goes_live_early": arena.state == ArenaState.DRAWN
            and arena.starts_at - timezone.now() > EARLY_GO_LIVE,
        },
        status=status,
    )


@login_required
def register(request: HttpRequest, arena_id: int) -> HttpResponse:
    """A branch secretary registers their unit, with the presenter, for an open arena."""
    arena = arena_or_404(arena_id)
    units = queries.registrable_units(request.user, arena)
    if not units:
        if can_view_arena(request.user, arena):
            raise PermissionDenied
        raise Http404
    form = arena_forms.RegistrationForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            setup.add_participant(
                arena=arena,
                unit=data["unit"],
                presenter=data["presenter"],
                presenter_role=data["presenter_role"],
                no_notes=data["no_notes"],
                attachment=data["attachment"],
                by=request.user,
            )
        except ArenaRefusal as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Registered. The host will see your entry."))
            return redirect("arenas:register", arena_id=arena.pk)
    registered = queries.registered_entries(arena, units)
    return render(
        request,
        "arenas/register.html",
        {
            "arena": arena,
            "form": form,
            "registered": registered,
            "open": arena.registration_open and arena.draw_state == DrawState.NONE,
        },
    )


@login_required
def judge_links(request: HttpRequest, arena_id: int) -> HttpResponse:
    """A printable sheet with every judge's personal link and its QR code, one card each."""
    arena = _runnable(request, arena_id)
    judges = [j for j in arena.judges.order_by("code") if not j.token_revoked]
    cards = [
        {"judge": j, "link": judge_link(j), "qr": qr_svg(judge_link(j), css_size="52mm")}
        for j in judges
    ]
    return render(request, "arenas/judge_links.html", {"arena": arena, "cards": cards})


@login_required
def console_page(request: HttpRequest, arena_id: int) -> HttpResponse:
    arena = _runnable(request, arena_id)
    state = ArenaSnapshot(arena.pk).console()
    config = {
        "topic": console_topic(arena.pk),
        "csrf": get_token(request),
        "urls": {
            # ACTION: the console's button names the action (data-action).
            "action": reverse("api:run_action", args=[arena.pk, "ACTION"]),
            "paper_sheets": reverse("api:paper_sheet", args=[arena.pk]),
            "reopen": reverse("api:reopen", args=[arena.pk]),
        },
    }
    return render(
        request,
        "arenas/console.html",
        {
            "arena": arena,
            "state": state,
            "config": config,
            "rubric": localised_rubric(arena.rubric),
            "labels": console_labels(),
        },
    )


def localised_rubric(rubric: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rubric with each criterion's label and description in the page's language."""
    language = get_language() or "zh-hans"
    return [
        {
            **c,
            "label": criterion_label(c, language),
            "description": criterion_description(c, language),
        }
        for c in rubric
    ]


def rule_summary(rule: dict[str, Any]) -> str:
    """The aggregation rule in words, for the host (the JSON's values are not words); the rule
    alone, so it is worded while the host is still mending the rubric."""
    try:
        parsed = parse_rule(rule)
    except RubricError:
        return ""
    mode = {
        Mode.TOTAL: _("each judge's total is scored"),
        Mode.CRITERION: _("each criterion is scored on its own"),
    }[parsed.mode]
    method = {
        Method.TRIMMED: _(
            "mean after dropping the %(trim)s highest and %(trim)s lowest when at least "
            "%(min)s judges score"
        ),
        Method.MEAN: _("mean of all judges"),
        Method.MEDIAN: _("median of the judges"),
    }[parsed.method] % {"trim": parsed.trim, "min": parsed.min_panel}
    return _("Rule: %(mode)s; %(method)s; %(decimals)s decimals, rounded half-up.") % {
        "mode": mode,
        "method": method,
        "decimals": parsed.decimals,
    }


def console_labels() -> dict[str, str]:
    """Words the console's script shows, in the page's language."""
    return {
        **{f"status.{s.value}": str(s.label) for s in ParticipantStatus},
        "judge.submitted": _("Submitted"),
        "judge.waiting": pgettext("judge status", "Waiting"),
        "judge.recused": _("Recused"),
        "judge.absent": _("Absent"),
        "no_notes": _("No notes"),
        "show_again": _("Show again"),
        "conn.open": _("Live"),
        "conn.connecting": _("Connecting…"),
        "conn.reconnecting": _("Reconnecting…"),
        "conn.refused": _("Refused"),
        "conn.closed": _("Closed"),
        "reason.close": _("Some sheets are missing. Reason for closing without them:"),
        "confirm.close_arena": _("Close the arena? The ranking becomes final."),
        "confirm.absent": _("Mark this presenter absent?"),
        "result.score": _("Panel score"),
        "entered": _("Sheet entered."),
        "reopened": _("Sheet reopened."),
        "paper": _("paper"),
    }
