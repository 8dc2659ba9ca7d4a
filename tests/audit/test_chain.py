import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.chain import verify_chain
from audit.models import AuditEvent
from audit.services import audit_record
from tests.factories import UserFactory


def record_three():
    actor = UserFactory()
    return [
        audit_record(actor=actor, action=f"test.step{i}", obj=actor, payload={"i": i, "名": "值"})
        for i in range(3)
    ]


def tamper(sql, params):
    """Simulate a superuser with raw SQL: on PostgreSQL the append-only trigger must be bypassed."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def verify():
    return verify_chain(AuditEvent.objects.order_by("seq"))


@pytest.mark.django_db
def test_intact_chain_verifies():
    record_three()
    count, broken, _ = verify()
    assert (count, broken) == (3, None)
    call_command("verify_audit")


@pytest.mark.django_db
def test_chain_links_each_event_to_the_previous():
    first, second, third = record_three()
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash


@pytest.mark.django_db
def test_edited_payload_is_detected_and_named():
    events = record_three()
    tamper(
        "UPDATE audit_auditevent SET payload = %s WHERE id = %s",
        ['{"i": 99, "名": "值"}', events[1].pk],
    )
    _, broken, reason = verify()
    assert broken.pk == events[1].pk
    assert "payload" in reason
    with pytest.raises(CommandError, match=rf"\b{events[1].seq}\b.*test\.step1"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_edited_state_is_detected():
    events = record_three()
    tamper("UPDATE audit_auditevent SET to_state = %s WHERE id = %s", ["verified", events[0].pk])
    _, broken, reason = verify()
    assert broken.pk == events[0].pk
    assert "content" in reason


@pytest.mark.django_db
def test_deleted_event_is_detected():
    events = record_three()
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    _, broken, reason = verify()
    assert broken.pk == events[2].pk
    assert "gap" in reason


@pytest.mark.django_db
def test_deleted_last_event_rewritten_chain_still_consistent_is_not_a_false_alarm():
    """Removing the newest event leaves a valid prefix: documented limit, the count shows it."""
    events = record_three()
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    count, broken, _ = verify()
    assert (count, broken) == (2, None)


@pytest.mark.django_db
def test_fork_is_impossible():
    first = audit_record(actor=None, action="a")
    clash = AuditEvent(
        seq=99,
        created_at=first.created_at,
        action="x",
        payload_hash="0",
        prev_hash=first.prev_hash,
        hash="f" * 64,
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        clash.save(force_insert=True)


@pytest.mark.django_db
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_refuses_update_and_delete():
    event = audit_record(actor=None, action="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="y")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.action == "x"


@pytest.mark.django_db
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_truncate_trigger_is_installed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass "
            "AND NOT tgisinternal ORDER BY tgname"
        )
        names = [row[0] for row in cursor.fetchall()]
    assert names == ["audit_event_no_truncate", "audit_event_no_update_delete"]
