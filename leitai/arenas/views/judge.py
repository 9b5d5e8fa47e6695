"""A judge's phone: the personal link signs the judge into one arena, the page scores.

The link /j/<token> puts the token into the session and sends the phone on to the arena's judge
page, so the token leaves the address bar (and photos of it). The page then talks to the API with
the token in X-Judge-Token rather than the session cookie: a sheet queued on the phone while the
network was down can be resent whatever happened to the session meanwhile.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from leitai.arenas.live.publish import judge_topic
from leitai.arenas.models import Judge
from leitai.arenas.tokens import JudgeLinkRefused, LinkRefusal, judge_signed_in_by, refusal_message
from leitai.arenas.views.common import snapshot_or_404
from leitai.arenas.views.screens import page_rule

SESSION_TOKEN = "judge_token"
SESSION_JUDGE = "judge_id"


def _signed_out(request: HttpRequest, *, had_link: bool, reason: str = "") -> HttpResponse:
    context = {"had_link": had_link, "reason": reason}
    response = render(request, "arenas/judge_signed_out.html", context, status=403)
    response["Cache-Control"] = "no-store"
    return response


def judge_landing(request: HttpRequest, token: str) -> HttpResponse:
    """The judge's personal link (QR code): sign this phone in to this judge's arena only."""
    try:
        judge = judge_signed_in_by(token)
    except JudgeLinkRefused as refusal:
        response = _signed_out(request, had_link=True, reason=refusal.message)
    else:
        # A new session key: whoever knew the session before the link was opened does not
        # inherit the judge's access.
        request.session.cycle_key()
        request.session[SESSION_TOKEN] = token
        request.session[SESSION_JUDGE] = judge.pk
        response = redirect("arenas:judge", arena_id=judge.arena_id)
    # The token is in this URL: do not hand it on to any other site. Same-origin, not
    # no-referrer: under no-referrer a browser sends "Origin: null" with the page's own forms
    # (the language switch), which Django's CSRF check refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


def _session_judge(request: HttpRequest, arena_id: int) -> tuple[Judge | None, str, str]:
    """The judge this phone's session signs in to the arena, its token, and else why not."""
    token = request.session.get(SESSION_TOKEN)
    if token is None:
        return None, "", ""
    try:
        judge = judge_signed_in_by(token)
    except JudgeLinkRefused as refusal:
        return None, "", refusal.message
    if judge.arena_id != arena_id or judge.pk != request.session.get(SESSION_JUDGE):
        return None, "", ""
    return judge, str(token), ""


def judge_strings() -> dict[str, str]:
    """Everything the judge page's script writes, in the page's language."""
    return {
        "no_current": _("Nobody is presenting yet. Keep this page open; it updates by itself."),
        "closed": _("The arena has closed. Thank you for judging."),
        "position": _("No. %(n)s"),
        "no_notes": _("Without notes"),
        "presenting": _("Presenting — scoring opens after the presentation"),
        "scoring_open": _("Scoring is open"),
        "scoring_closed": _("Scoring is closed"),
        "result_confirmed": _("Result confirmed"),
        "result_shown": _("Result shown"),
        "participant_absent": _("Absent"),
        "maximum": _("max. %(max)s"),
        "step": _("step %(step)s"),
        "weight": _("weight ×%(weight)s"),
        "total": _("Total"),
        "of": _("of %(max)s"),
        "minus": _("Lower by one step"),
        "plus": _("Raise by one step"),
        "draft_hint": _("You may fill in your marks now; you can submit once scoring opens."),
        "host_reason": _("The host's reason: %(reason)s"),
        "reopened": _(
            "The host reopened your sheet for a correction. Your marks as sent are filled in; "
            "change what needs changing and submit again."
        ),
        "review": _("Review my marks"),
        "review_title": _("Check your marks before submitting"),
        "review_hint": _("Once submitted, your sheet is locked. Only the host can reopen it."),
        "edit": _("Back to edit"),
        "submit": _("Submit sheet"),
        "wait_open": _("Scoring not open yet"),
        "missing": _("Enter a mark for every criterion."),
        "err_number": _("Not a number"),
        "err_above": _("Above the maximum %(max)s"),
        "err_step": _("Not on the step %(step)s"),
        "sending": _("Sending your sheet…"),
        "queued": _(
            "Your sheet is saved on this phone and will be sent as soon as the network is back."
        ),
        # Two forms for English (one / many); Chinese has one. The script picks by the count.
        "queued_one": _("1 sheet waiting to be sent"),
        "queued_count": _("%(n)s sheets waiting to be sent"),
        "retry_now": _("Try again now"),
        "submitted": _("Received by the server and locked"),
        "waiting_title": _("Not sent yet: waiting to send"),
        "submitted_paper": _("Entered by the host from your paper sheet"),
        "your_marks": _("Your marks"),
        "refused": _("Your sheet was not accepted"),
        "refused_hint": _(
            "Tell the host. The marks below are kept on this phone so the host can enter them."
        ),
        "key_reused": _(
            "This submission was already recorded with different marks. The stored sheet stands; "
            "ask the host if it must be corrected."
        ),
        "dismiss": _("Dismiss"),
        "recused": _("You are recused from this participant"),
        "absent": _("You are recorded as absent for this participant"),
        "reason": _("Reason: %(reason)s"),
        "declare": _("Declare a conflict of interest"),
        "declare_title": _("Declare a conflict of interest with this participant"),
        "declare_hint": _(
            "You will not score this participant; the host and the ledger record your reason."
        ),
        "declare_reason": _("Reason (for example: I work in this unit)"),
        "declare_send": _("Declare and stand aside"),
        "declare_need_reason": _("Give a reason."),
        "declaration_pending": _("Sent to the host for a decision"),
        "declaration_pending_hint": _(
            "Your sheet is already in: it stands unless the host accepts your declaration."
        ),
        "cancel": _("Cancel"),
        "pending_title": _("Result to confirm"),
        "pending_hint": _(
            "Every sheet is in. Check the totals and confirm the result; the host then shows it."
        ),
        "judge": _("Judge"),
        "judge_total": _("Total"),
        "dropped": _("dropped"),
        "panel_score": _("Panel score"),
        "confirm": _("Confirm result"),
        "confirming": _("Confirming…"),
        "confirmed_ok": _("Result confirmed."),
        "note_trimmed": _("%(judges)s judges: the %(trim)s highest and %(trim)s lowest dropped"),
        "note_trimmed_criterion": _(
            "%(judges)s judges: the %(trim)s highest and %(trim)s lowest marks of each "
            "criterion dropped"
        ),
        "note_too_few": _("Fewer than %(min)s judges (%(judges)s): nothing dropped"),
        "note_not_trimming": _("%(judges)s judges: nothing dropped"),
        "my_sheets": _("My sheets"),
        "no_sheets": _("No sheets yet."),
        "signed_out_title": _("This phone is signed out"),
        **{
            code.value: refusal_message(code)
            for code in (LinkRefusal.REISSUED, LinkRefusal.REVOKED)
        },
        "outlier_below": _(
            "%(judge)s's total %(total)s is %(gap)s below the other judges' mean %(mean)s "
            "(more than %(corridor)s): a slip? Check it with the judge before confirming."
        ),
        "outlier_above": _(
            "%(judge)s's total %(total)s is %(gap)s above the other judges' mean %(mean)s "
            "(more than %(corridor)s): a slip? Check it with the judge before confirming."
        ),
        "signed_out": _(
            "This judge link is no longer valid (re-issued, revoked or expired). Ask the host."
        ),
        "reconnecting": _("Connection lost, reconnecting…"),
        "offline": _("No network"),
        "online": _("Connected"),
        "network_error": _("The network failed; your request was not sent. Try again."),
        "server_error": _("The server could not answer (%(status)s). Try again."),
    }


def judge_page(request: HttpRequest, arena_id: int) -> HttpResponse:
    snapshot = snapshot_or_404(arena_id)
    judge, token, reason = _session_judge(request, arena_id)
    if judge is None:
        return _signed_out(request, had_link=SESSION_TOKEN in request.session, reason=reason)
    language = get_language() or settings.LANGUAGE_CODE
    config: dict[str, Any] = {
        "arena": arena_id,
        "judge": judge.pk,
        "token": token,
        "topic": judge_topic(arena_id, judge.pk),
        "language": language,
        "strings": judge_strings(),
        "rule": page_rule(snapshot.arena),
        "urls": {
            "sheets": reverse("api:submit_sheet"),
            "declare": reverse("api:declare_conflict"),
            "confirm": reverse("api:confirm"),
            "state": reverse("api:judge_state"),
        },
    }
    response = render(
        request,
        "arenas/judge.html",
        {
            "arena": snapshot.arena,
            "judge": judge,
            "state": snapshot.judge(judge, language),
            "config": config,
        },
    )
    # The page holds the judge's token: never from a shared cache or the back-forward cache of
    # another person's session.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response
