"""SM3 as the audit chain's and the receipts' digest (issue 18, hash-algorithm agility)."""

import hashlib

import pytest
from django.core.checks import run_checks
from django.core.management import call_command

from audit.chain import canonical_json, verify_chain
from audit.models import AuditEvent
from audit.services import audit_record
from common.hashing import digest_hex, file_digest
from tests.audit.test_chain import tamper
from tests.factories import UserFactory


def verify():
    return verify_chain(AuditEvent.objects.order_by("seq"))


def test_sm3_digest_is_the_standard_one():
    # GB/T 32905-2016, appendix A.1: SM3("abc").
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert digest_hex(b"abc", "sm3") == expected
    import io

    assert file_digest(io.BytesIO(b"abc"), "sm3") == expected


def test_an_unknown_algorithm_is_refused():
    with pytest.raises(ValueError):
        digest_hex(b"abc", "md5")


@pytest.mark.django_db
def test_a_chain_switching_from_sha256_to_sm3_verifies(settings):
    actor = UserFactory()
    first = audit_record(actor=actor, action="test.sha", obj=actor, payload={"n": 1})
    settings.HASH_ALGORITHM = "sm3"
    second = audit_record(actor=actor, action="test.sm3", obj=actor, payload={"n": 2})
    assert (first.hash_algorithm, second.hash_algorithm) == ("sha256", "sm3")
    assert second.prev_hash == first.hash
    assert second.payload_hash == hashlib.new("sm3", canonical_json({"n": 2})).hexdigest()
    assert verify()[1] is None
    call_command("verify_audit")


@pytest.mark.django_db
def test_relabelling_a_link_to_another_algorithm_is_detected(settings):
    settings.HASH_ALGORITHM = "sm3"
    actor = UserFactory()
    event = audit_record(actor=actor, action="test.sm3", obj=actor, payload={"n": 1})
    tamper("UPDATE audit_auditevent SET hash_algorithm = %s WHERE id = %s", ["sha256", event.pk])
    _, broken, reason = verify()
    assert broken.pk == event.pk
    assert "hash" in reason


@pytest.mark.django_db
def test_an_edited_sm3_payload_is_detected(settings):
    settings.HASH_ALGORITHM = "sm3"
    actor = UserFactory()
    event = audit_record(actor=actor, action="test.sm3", obj=actor, payload={"n": 1})
    tamper("UPDATE audit_auditevent SET payload = %s WHERE id = %s", ['{"n": 2}', event.pk])
    assert verify()[1].pk == event.pk


def test_a_misconfigured_algorithm_fails_the_system_check(settings):
    settings.HASH_ALGORITHM = "md5"
    assert "common.E001" in [message.id for message in run_checks()]
    settings.HASH_ALGORITHM = "sm3"
    assert "common.E001" not in [message.id for message in run_checks()]
