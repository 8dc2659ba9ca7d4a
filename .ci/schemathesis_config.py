"""Print a schemathesis.toml whose dictionaries hold real identifiers of the demo database
(run with ``manage.py shell -v 0 < .ci/schemathesis_config.py``), so that fuzzing reaches
existing challenges, the token user's bids, organisations, projects and invitations
instead of stopping at 404. Generated values are still used for the rest of the cases."""

import json
import os

from accounts.models import Membership
from bounty.models import Bid, Challenge, Project
from review.models import Seat

username = os.environ.get("FUZZ_USER", "team1")
orgs = list(
    Membership.objects.filter(user__username=username).values_list("organization_id", flat=True)
)
values = {
    "ocids": list(Challenge.objects.order_by("pk").values_list("ocid", flat=True)),
    "references": list(Bid.objects.filter(lead__in=orgs).values_list("reference", flat=True)),
    "ids": sorted(
        set(orgs)
        | set(Project.objects.values_list("pk", flat=True))
        | set(Seat.objects.exclude(status="waiting").values_list("pk", flat=True)[:20])
    ),
    "numbers": [1, 2],
}
for name, entries in values.items():
    print(f"[dictionaries.{name}]\nvalues = {json.dumps(entries or ['none'], ensure_ascii=False)}")
print("[parameters]")
for key, name in (
    ("path.ocid", "ocids"),
    ("path.reference", "references"),
    ("path.id", "ids"),
    ("path.number", "numbers"),
    ("path.bid_pk", "ids"),
):
    print(f'"{key}" = {{ dictionary = "{name}", probability = 0.7 }}')
