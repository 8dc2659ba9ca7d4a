"""Use cases of the expert pool besides the import: status changes and an expert's own
profile. Conventions: docs/architecture.md, "Services and permissions"."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused
from audit.services import audit_record
from review.models import Expert, ExpertStatus, Relationship
from review.permissions import can_manage_pool

PROFILE_FIELDS = ("keywords", "phone", "email")
RELATIONSHIP_FIELDS = (
    "kind",
    "person",
    "person_name",
    "organization_name",
    "organization_code",
    "starts_on",
    "ends_on",
    "note",
)


def _lock(expert) -> Expert:
    return Expert.objects.select_for_update().get(pk=expert.pk)


def expert_set_status(*, expert, by, status) -> Expert:
    """Set an expert's pool status (active, suspended, withdrawn); bureau only."""
    if status not in ExpertStatus.values:
        raise ActionRefused(_("Unknown status."))
    with transaction.atomic():
        if not can_manage_pool(by):
            raise ActionRefused()
        expert = _lock(expert)
        previous = expert.status
        if previous == status:
            return expert
        expert.status = status
        expert.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=by, action="expert.status", obj=expert, from_state=previous, to_state=status
        )
    return expert


def expert_profile_update(*, expert, by, profile, relationships, removed_ids=()) -> Expert:
    """Save an expert's own keywords, contact and declared relationships.

    ``relationships`` are the declarations to keep: dicts of RELATIONSHIP_FIELDS
    plus ``id`` (None for a new one); ``removed_ids`` are deleted. Ids that are
    not this expert's are ignored. The audit event names what changed, not the
    values (they are personal data and the log is append-only).
    """
    with transaction.atomic():
        expert = _lock(expert)
        if by is None or not by.is_authenticated or expert.user_id != by.pk:
            raise ActionRefused()
        changed = [f for f in PROFILE_FIELDS if getattr(expert, f) != profile[f]]
        for f in changed:
            setattr(expert, f, profile[f])
        if changed:
            expert.save(update_fields=[*changed, "updated_at"])

        own = {r.pk: r for r in expert.relationships.select_for_update()}
        removed = [pk for pk in removed_ids if pk in own]
        Relationship.objects.filter(pk__in=removed).delete()
        added = updated = 0
        new = []
        for row in relationships:
            current = own.get(row.get("id"))
            if current is None:
                new.append(Relationship(expert=expert, **{f: row[f] for f in RELATIONSHIP_FIELDS}))
                added += 1
                continue
            diff = [f for f in RELATIONSHIP_FIELDS if getattr(current, f) != row[f]]
            if diff:
                for f in diff:
                    setattr(current, f, row[f])
                current.save(update_fields=diff)
                updated += 1
        Relationship.objects.bulk_create(new)
        if changed or added or updated or removed:
            audit_record(
                actor=by,
                action="expert.profile_update",
                obj=expert,
                payload={
                    "fields": changed,
                    "relationships": {
                        "added": added,
                        "updated": updated,
                        "removed": len(removed),
                    },
                },
            )
    return expert
