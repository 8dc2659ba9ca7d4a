"""Payments on the project page (templates/bounty/projects/_payments.html): the payer's
form (issuer: enterprise funds; bureau: government funds), the team's confirm / dispute,
the bank slip's download. Services decide and refuse (payment_services.py); a refusal
shows the project page again with what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bounty import permissions as perms
from bounty.exceptions import ActionRefused
from bounty.models import Disbursement, Tranche
from bounty.projects import payment_services as payments
from bounty.projects.views import _amount, _date, _detail_context, _project


def _id(value):
    """A posted row id; anything else names no row (404, never a 500)."""
    value = str(value or "")
    if not value.isdigit():
        raise Http404
    return value


def _act(request, project, action):
    post, user = request.POST, request.user
    if action == "pay":
        tranche = get_object_or_404(Tranche, pk=_id(post.get("tranche")), project=project)
        corrects = None
        if post.get("corrects"):
            corrects = get_object_or_404(
                Disbursement, pk=_id(post.get("corrects")), tranche__project=project
            )
        payments.payment_record(
            tranche=tranche,
            by=user,
            part=post.get("part", ""),
            amount=_amount(post.get("amount")),
            paid_on=_date(post.get("paid_on")),
            reference=post.get("reference", ""),
            slip=request.FILES.get("slip"),
            corrects=corrects,
        )
        return _("Payment recorded; the team confirms its receipt.")
    payment = get_object_or_404(Disbursement, pk=_id(post.get("payment")), tranche__project=project)
    if action == "confirm":
        payments.payment_confirm(payment=payment, by=user)
        return _("Receipt confirmed.")
    if action == "dispute":
        payments.payment_dispute(payment=payment, by=user, reason=post.get("reason", ""))
        return _("Payment disputed; the payer corrects it.")
    raise Http404


@login_required
@require_POST
def payment_action(request, pk):
    project = _project(request, pk)
    try:
        done = _act(request, project, request.POST.get("action", ""))
    except ActionRefused as exc:
        context = _detail_context(request, project)
        context.update(typed=request.POST, error=exc.message)
        return render(request, "bounty/project_detail.html", context, status=400)
    messages.success(request, done)
    return redirect(project)


def _is_party(user, project) -> bool:
    return (
        perms.is_project_team(user, project)
        or perms.is_issuer_staff(user, project.challenge)
        or perms.is_bureau_officer(user)
    )


@login_required
def payment_slip(request, pk):
    """The bank slip of a payment: the three parties only (not the project's panel)."""
    payment = get_object_or_404(
        Disbursement.objects.select_related(
            "tranche__project__bid__lead", "tranche__project__challenge__issuer"
        ),
        pk=pk,
    )
    project = payment.tranche.project
    if not payment.slip or not _is_party(request.user, project):
        raise Http404
    return FileResponse(payment.slip.open("rb"), as_attachment=True, filename=payment.slip_name)
