"""Calls (批次): the public list and page of a call with its 申报指南, templates and
published challenges; the bureau's list, editor and management page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from bounty.calls import services
from bounty.calls.forms import CALL_FIELDS, CallForm
from bounty.calls.models import PUBLIC_CALL_STATUSES, Call, CallStatus
from bounty.calls.permissions import can_manage_calls, can_view_call
from bounty.challenges.statuses import PUBLIC_STATUSES, ChallengeStatus
from bounty.exceptions import ActionRefused
from bounty.models import Challenge
from common.views import get_visible_or_404, paginate

# which → (model field, label): the templates a bidder downloads with the guide.
TEMPLATES = {
    "application": ("application_template", gettext_lazy("Application form (申报书)")),
    "integrity": ("integrity_template", gettext_lazy("Research integrity pledge (科研诚信承诺书)")),
    "consortium": ("consortium_template", gettext_lazy("Consortium agreement (联合体协议)")),
}

# action → (service, label, the call's status it starts from)
ACTIONS = {
    "open_collection": (
        services.open_collection,
        gettext_lazy("Open the needs collection"),
        CallStatus.DRAFT,
    ),
    "close_collection": (
        services.close_collection,
        gettext_lazy("Close the collection and vet the needs"),
        CallStatus.COLLECTING,
    ),
    "publish_list": (
        services.publish_list,
        gettext_lazy("Publish the list (发榜)"),
        CallStatus.VETTING,
    ),
    "close": (services.close, gettext_lazy("Close the call"), CallStatus.PUBLISHED),
}


def _manager_or_404(user):
    if not can_manage_calls(user):
        raise Http404


# --- Public -----------------------------------------------------------------------------


@require_safe
def call_list(request):
    calls = (
        Call.objects.filter(status__in=PUBLIC_CALL_STATUSES)
        .annotate(published=Count("challenges", filter=Q(challenges__status__in=PUBLIC_STATUSES)))
        .order_by("-year", "-batch")
    )
    return render(
        request,
        "bounty/calls/call_list.html",
        {"page": paginate(request, calls), "can_manage": can_manage_calls(request.user)},
    )


def _call(request, year, batch):
    return get_visible_or_404(
        Call.objects.all(), can_view_call, request.user, year=year, batch=batch
    )


@require_safe
def call_detail(request, year, batch):
    call = _call(request, year, batch)
    challenges = (
        Challenge.objects.public()
        .filter(call=call)
        .with_display_status()
        .select_related("issuer", "industry")
        .order_by("-bounty_total", "pk")
    )
    templates = [
        {
            "which": which,
            "label": label,
            "uploaded": bool(getattr(call, field)),
        }
        for which, (field, label) in TEMPLATES.items()
    ]
    return render(
        request,
        "bounty/calls/call_detail.html",
        {
            "call": call,
            "page": paginate(request, challenges),
            "templates": templates,
            "can_manage": can_manage_calls(request.user),
        },
    )


@require_safe
def call_template(request, year, batch, which):
    """The call's uploaded template, or the platform's standard one."""
    if which not in TEMPLATES:
        raise Http404
    call = _call(request, year, batch)
    file = getattr(call, TEMPLATES[which][0])
    if not file:
        return redirect("bounty:call_standard_template", which=which)
    name = file.name.rsplit("/", 1)[-1]
    return FileResponse(file.open("rb"), as_attachment=True, filename=name)


@require_safe
def standard_template(request, which):
    if which not in TEMPLATES:
        raise Http404
    return render(request, f"bounty/calls/standard_{which}.html", {"label": TEMPLATES[which][1]})


# --- Bureau -----------------------------------------------------------------------------


@login_required
@require_safe
def bureau_calls(request):
    _manager_or_404(request.user)
    page = paginate(request, Call.objects.order_by("-year", "-batch"))
    counts = {}
    rows = (
        Challenge.objects.filter(call__in=[c.pk for c in page.object_list])
        .values("call", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["call"], []).append((ChallengeStatus(row["status"]).label, row["n"]))
    for call in page.object_list:
        call.need_counts = sorted(counts.get(call.pk, []), key=lambda pair: str(pair[0]))
    return render(request, "bounty/calls/bureau_calls.html", {"page": page})


def _editor(request, call=None):
    _manager_or_404(request.user)
    form = CallForm(request.POST or None, request.FILES or None, instance=call)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in CALL_FIELDS if not form.fields[f].disabled}
        try:
            if call is None:
                call = services.call_create(by=request.user, data=data)
            else:
                call = services.call_update(call=call, by=request.user, data=data)
        except ValidationError as exc:  # the storage failed: nothing was saved
            form.add_error(None, exc)
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The call was saved."))
            return redirect("bounty:call_manage", pk=call.pk)
    elif request.method == "POST":
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    return render(
        request,
        "bounty/calls/call_form.html",
        {"form": form, "call": call},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def call_create(request):
    return _editor(request)


@login_required
def call_edit(request, pk):
    _manager_or_404(request.user)
    return _editor(request, get_object_or_404(Call, pk=pk))


@login_required
@require_safe
def call_manage(request, pk):
    _manager_or_404(request.user)
    call = get_object_or_404(Call, pk=pk)
    counts = services.need_counts(call)
    status = request.GET.get("status", "")
    needs = (
        Challenge.objects.filter(call=call)
        .select_related("issuer")
        .only("ocid", "title", "status", "bounty_total", "issuer__name", "call_id")
        .order_by("status", "pk")
    )
    if status in counts:
        needs = needs.filter(status=status)
    else:
        status = ""
    return render(
        request,
        "bounty/calls/call_manage.html",
        {
            "call": call,
            # The needs by status (with their number), as tabs over one paginated list.
            "tabs": [
                (s, ChallengeStatus(s).label, counts[s])
                for s in ChallengeStatus.values
                if s in counts
            ],
            "status": status,
            "total": sum(counts.values()),
            "page": paginate(request, needs, per_page=50),
            "actions": [
                (name, label)
                for name, (_service, label, source) in ACTIONS.items()
                if call.status == source
            ],
            "editable": call.status in services.EDITABLE_CALL_STATUSES,
        },
    )


@login_required
@require_POST
def call_action(request, pk):
    _manager_or_404(request.user)
    call = get_object_or_404(Call, pk=pk)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise Http404
    service, label, _source = ACTIONS[action]
    try:
        service(call=call, by=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": label})
    return redirect("bounty:call_manage", pk=call.pk)
