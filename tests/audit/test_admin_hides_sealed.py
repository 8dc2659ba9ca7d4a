"""The admin's audit list names no sealed bid: neither bid events nor receipt events."""

import pytest
from django.urls import reverse

from bounty.bids import services as bid_services
from documents.sources import document_ensure
from tests.bounty.bids.helpers import complete_bid
from tests.bounty.helpers import published
from tests.factories import administrator

pytestmark = pytest.mark.django_db


def test_a_receipt_requested_before_the_deadline_is_not_listed_in_the_admin(client):
    challenge = published()
    bid = complete_bid(challenge)
    version = bid_services.bid_submit(bid=bid, by=bid.created_by)
    document = document_ensure(kind="receipt", subject_id=version.pk, by=bid.created_by)
    assert bid.reference in document.number  # the number names the sealed bid
    client.force_login(administrator("audit"))
    page = client.get(reverse("admin:audit_auditevent_changelist"))
    assert page.status_code == 200
    assert bid.reference not in page.content.decode()
    assert page.context["cl"].result_count > 0  # the other events are listed
