"""Removing an expert from the pool goes through due process (DOMAIN §7 "added"): the bureau
opens an EXPERT_REMOVAL case (``bounty.dueprocess.services.case_open``) whose party is the
expert's own account; only the final decision excludes the expert from future draws
(``ExpertRemoval``, read by ``review.draw.services.eligible_experts``). Panels already drawn
keep their seats.

The expert is heard through their account. An expert with no account yet is linked to the
account that has the pool's e-mail address (as an invitation does); with none, the case
cannot be opened — the expert could not answer it — and the bureau may still suspend them
(the pool status) while they sign up."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused
from accounts.models import User
from audit.services import audit_record
from bounty.dueprocess.effects import Effect, register_effect
from bounty.dueprocess.models import CaseKind
from bounty.dueprocess.services import case_open
from review.models import Expert, ExpertRemoval
from review.permissions import can_manage_pool


def _link_account(expert):
    """Caller holds the expert's lock."""
    if expert.user_id is not None or not expert.email:
        return
    user = User.objects.filter(email__iexact=expert.email).first()
    if user is not None and not Expert.objects.filter(user=user).exists():
        expert.user = user
        expert.save(update_fields=["user", "updated_at"])


def expert_removal_open(*, expert, by, reasons, files=()):
    """The bureau notifies the expert of its intended decision to remove them from the pool,
    with the reasons and evidence; the expert has the response window to answer."""
    if not can_manage_pool(by):
        raise ActionRefused(_("Only the bureau proposes to remove an expert from the pool."))
    with transaction.atomic():
        # of=self: the account is an outer join (nullable), which PostgreSQL cannot lock.
        expert = (
            Expert.objects.select_for_update(of=("self",)).select_related("user").get(pk=expert.pk)
        )
        _link_account(expert)
        return case_open(
            kind=CaseKind.EXPERT_REMOVAL,
            subject=expert,
            by=by,
            reasons=reasons,
            label=str(expert),
            party_user=expert.user,
            payload={"expert": expert.code},
            files=files,
        )


def refuse_open(expert, by):
    if ExpertRemoval.objects.filter(expert_id=expert.pk).exists():
        return _("This expert is already excluded from future draws.")
    if expert.user_id is None:
        return _(
            "This expert has no account on the platform, so they could not answer an intended "
            "decision. Ask them to sign up with the e-mail address of their pool record; "
            "meanwhile you may suspend them."
        )
    return None


def removal_apply(case, by):
    """The final decision: exclude the expert from every draw frozen from now on. Runs in
    the finalising transaction (the case is locked)."""
    expert = Expert.objects.select_for_update().get(pk=case.subject_id)
    if ExpertRemoval.objects.filter(expert=expert).exists():
        return
    reason = case.decision
    ExpertRemoval.objects.create(
        expert=expert, case=case, reason=reason, removed_at=case.effective_at
    )
    audit_record(
        actor=by,
        action="expert.remove",
        obj=expert,
        to_state="removed",
        payload={"case": case.pk, "reason": reason},
    )


def removal_url(case):
    code = case.payload.get("expert")
    return reverse("review:expert_detail", args=[code]) if code else ""


def register():
    """Called by ``ReviewConfig.ready``."""
    register_effect(
        CaseKind.EXPERT_REMOVAL,
        Effect(apply=removal_apply, url=removal_url, refuse_open=refuse_open),
    )
