from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from leitai.live.asgi import PATH_PREFIX
from leitai.live.checks import CHANNEL, check_topic, send_check_message
from leitai.live.forms import CheckMessageForm
from leitai.live.hub import get_hub, multi_process_ready
from leitai.live.permissions import can_operate_live


@require_GET
def check_page(request: HttpRequest) -> HttpResponse:
    """Public: anyone in the hall can see that live updates reach their phone, and how fast."""
    channel = request.GET.get("channel", "")
    if channel and not CHANNEL.fullmatch(channel):
        channel = ""
    return render(
        request,
        "live/check.html",
        {"topic": check_topic(channel), "channel": channel, "ws_prefix": PATH_PREFIX},
    )


@login_required
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    if not can_operate_live(request.user):
        raise PermissionDenied
    return render(request, "live/status.html", _status_context(CheckMessageForm()))


def _status_context(form: CheckMessageForm) -> dict[str, object]:
    ready, reason = multi_process_ready()
    return {
        "figures": get_hub().figures(),
        "form": form,
        "multi_process_ready": ready,
        "multi_process_reason": reason,
    }


@login_required
@require_POST
def send_check(request: HttpRequest) -> HttpResponse:
    if not can_operate_live(request.user):
        raise PermissionDenied
    form = CheckMessageForm(request.POST)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return render(request, "live/status.html", _status_context(form), status=400)
    message = send_check_message(
        text=form.cleaned_data["text"] or "",
        padding_bytes=form.cleaned_data["padding_bytes"] or 0,
        channel=form.cleaned_data["channel"] or "",
    )
    if wants_json:
        return JsonResponse({"seq": message["seq"], "sent_at": message["sent_at"]})
    messages.success(request, _("Check message %(seq)s sent.") % {"seq": message["seq"]})
    return redirect("live:status")
