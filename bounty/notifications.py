from django.utils.translation import gettext_lazy as _

from bounty.models import ChangeRequest, ProjectStatus, TerminationOutcome
from bounty.projects.dossier import AcceptanceObjection
from bounty.sealing.models import ShareRole
from notifications.registry import register

register(
    "challenge.submitted",
    title=_("Challenge to vet: %(title)s"),
    body=_("%(issuer)s submitted “%(title)s” for vetting."),
)
register(
    "challenge.returned",
    title=_("Returned for revision: %(title)s"),
    body=_("The bureau returned “%(title)s” for revision: %(comment)s"),
)
register(
    "challenge.approved",
    title=_("Approved: %(title)s"),
    body=_("The bureau approved “%(title)s”. It will be published on the board."),
)
register(
    "challenge.rejected",
    title=_("Rejected: %(title)s"),
    body=_("The bureau rejected “%(title)s”: %(comment)s"),
)
register(
    "challenge.published",
    title=_("Published: %(title)s"),
    body=_("“%(title)s” is on the public board and open for bids."),
)
register(
    "sealing.share_waiting",
    title=_("Key share to take: %(title)s"),
    body=_(
        "The bids of “%(title)s” are sealed by encryption. Share no. %(share)s of its key "
        "(%(role)s) waits to be taken: take it once, keep it safe, and bring it to the "
        "opening after the deadline."
    ),
    labels={"role": ShareRole.choices},
)
register(
    "challenge.withdrawn",
    title=_("Withdrawn: %(title)s"),
    body=_("“%(title)s” was withdrawn: %(comment)s"),
)
register(
    "challenge.closed",
    title=_("Bidding closed: %(title)s"),
    body=_("The bid deadline of “%(title)s” has passed; no more bids are accepted."),
)
register(
    "challenge.amended",
    title=_("Amendment %(number)s to “%(title)s”"),
    body=_(
        "The challenge “%(title)s” was amended: %(reason)s. Check the changes and the deadline."
    ),
)
register(
    "challenge.amended_withheld",
    title=_("Amendment %(number)s to “%(title)s”"),
    body=_(
        "The challenge “%(title)s” was amended. Its details are withheld: open the challenge "
        "and accept its current NDA to read the amendment."
    ),
)
register(
    "clarification.asked",
    title=_("New question on “%(title)s”"),
    body=_(
        "A bidder asked a question about “%(title)s”. Answer it so every bidder sees the answer."
    ),
)
register(
    "clarification.answered",
    title=_("Question answered: %(title)s"),
    body=_("A question on “%(title)s” was answered. The answer is published for every bidder."),
)
register(
    "bid.receipt",
    title=_("Bid received: %(reference)s (version %(version)s)"),
    body=_(
        "Your bid for “%(title)s” was received at %(time)s (Beijing time). "
        "SHA-256 of its content: %(sha256)s. Keep the receipt."
    ),
)
register(
    "bid.eligible",
    title=_("Formal check passed: %(reference)s"),
    body=_("Your bid for “%(title)s” passed the formal check and goes to expert review."),
)
register(
    "bid.ineligible",
    title=_("Formal check not passed: %(reference)s"),
    body=_("Your bid for “%(title)s” did not pass the formal check. Reasons: %(reasons)s"),
)
register(
    "bid.cure_requested",
    title=_("Documents to add (补正): %(reference)s"),
    body=_(
        "The formal check of your bid for “%(title)s” asks for: %(missing)s. Add the "
        "document(s) on the bid's page by %(due)s; nothing else of the bid can change."
    ),
)
register(
    "bid.cure_added",
    title=_("Document added (补正): %(reference)s"),
    body=_("The team of bid %(reference)s for “%(title)s” added “%(name)s”."),
)
register(
    "challenge.formal_check_done",
    title=_("Formal check finished: %(title)s"),
    body=_("The bureau finished the formal check of the bids for “%(title)s”."),
)

# --- Projects -------------------------------------------------------------------------------
register(
    "project.report_submitted",
    title=_("Milestone %(number)s report: %(title)s"),
    body=_(
        "The team submitted the report of milestone %(number)s of “%(title)s”; it waits for assessment."
    ),
)
register(
    "project.milestone_met",
    title=_("Milestone %(number)s met: %(title)s"),
    body=_("Milestone %(number)s of “%(title)s” is met; its tranche is payable. %(comment)s"),
)
register(
    "project.milestone_not_met",
    title=_("Milestone %(number)s not met: %(title)s"),
    body=_("Milestone %(number)s of “%(title)s” was assessed as not met: %(comment)s"),
)
register(
    "project.rectification",
    title=_("Rectification of milestone %(number)s: %(title)s"),
    body=_("Milestone %(number)s of “%(title)s” is to be reported again by %(date)s."),
)
register(
    "project.disbursed",
    title=_("Payment recorded: %(title)s"),
    body=_("%(amount)s × 10k yuan paid on %(label)s of “%(title)s”."),
)
register(
    "project.change_requested",
    title=_("Change requested: %(title)s"),
    body=_("The team of “%(title)s” asked for a change; the bureau decides."),
)
register(
    "project.change_decided",
    title=_("Change %(decision)s: %(title)s"),
    body=_("The bureau decided on the change asked for “%(title)s”: %(decision)s."),
    labels={"decision": ChangeRequest.Decision.choices},
)
register(
    "project.change_recorded",
    title=_("Change filed (备案): %(title)s"),
    body=_("The team of “%(title)s” filed a change (%(what)s); it is in effect as recorded."),
    labels={"what": ChangeRequest.Kind.choices},
)
register(
    "project.change_acknowledged",
    title=_("Change acknowledged: %(title)s"),
    body=_("The bureau acknowledged the change (%(what)s) filed for “%(title)s”."),
    labels={"what": ChangeRequest.Kind.choices},
)
register(
    "project.change_in_force",
    title=_("Change in force: %(title)s"),
    body=_(
        "The supplementary agreement of the change (%(what)s) of “%(title)s” is signed by "
        "the three parties; the change is in force."
    ),
    labels={"what": ChangeRequest.Kind.choices},
)
register(
    "project.acceptance_applied",
    title=_("Acceptance applied for: %(title)s"),
    body=_(
        "The team of “%(title)s” applied for acceptance with its dossier; the issuer adds "
        "its user report and the bureau organises the acceptance."
    ),
)
# The acceptance dossier and the public notice of the result (bounty/projects/acceptance.py).
register(
    "project.user_report",
    title=_("User report written: %(title)s"),
    body=_("The issuing enterprise wrote its user report (用户使用报告) for “%(title)s”."),
)
register(
    "project.acceptance_notice",
    title=_("Acceptance result in public notice: %(title)s"),
    body=_(
        "The acceptance result of “%(title)s”, %(result)s, is in public notice; written "
        "objections with evidence may be filed until %(date)s."
    ),
    labels={"result": ProjectStatus.choices},
)
register(
    "project.acceptance_objection",
    title=_("Objection to an acceptance result: %(title)s"),
    body=_("An objection was filed against the acceptance result of “%(title)s”; decide it."),
)
register(
    "project.acceptance_objection_decided",
    title=_("Your objection was %(outcome)s: %(title)s"),
    body=_(
        "The bureau decided your objection to the acceptance result of “%(title)s”: "
        "%(outcome)s. %(reason)s"
    ),
    labels={"outcome": AcceptanceObjection.Status.choices},
)
register(
    "project.acceptance_set_aside",
    title=_("Acceptance result set aside: %(title)s"),
    body=_(
        "An objection to the acceptance result of “%(title)s” was upheld: the result is set "
        "aside and the acceptance is taken up again. %(reason)s"
    ),
)
register(
    "project.concluded",
    title=_("Acceptance result: %(title)s"),
    body=_("The acceptance of “%(title)s” concluded: %(result)s."),
    labels={"result": ProjectStatus.choices},
)
register(
    "project.terminated",
    title=_("Project terminated: %(title)s"),
    body=_("“%(title)s” was terminated (%(outcome)s): %(reason)s"),
    labels={"outcome": TerminationOutcome.choices},
)
register(
    "project.milestone_before",
    title=_("Milestone %(number)s due in %(days)s days: %(title)s"),
    body=_("Milestone %(number)s of “%(title)s” is due on %(date)s."),
)
register(
    "project.milestone_overdue",
    title=_("Milestone %(number)s overdue: %(title)s"),
    body=_(
        "Milestone %(number)s of “%(title)s” was due on %(date)s (%(days)s days ago) and has no report yet."
    ),
)
register(
    "project.midterm",
    title=_("Mid-term review: %(title)s"),
    body=_("The mid-term review of “%(title)s” concluded: %(result)s."),
)
# Restricted and confidential challenges (bounty/challenges/access_services.py).
register(
    "challenge.access_requested",
    title=_("Access requested: %(title)s"),
    body=_(
        "%(organization)s asks to read the confidential challenge “%(title)s”. "
        "Admit or refuse the request on the challenge page."
    ),
)
register(
    "challenge.access_admitted",
    title=_("Access admitted: %(title)s"),
    body=_(
        "The issuer admitted your organisation to the confidential challenge “%(title)s”. "
        "Accept the NDA on the challenge page to read the details."
    ),
)
register(
    "challenge.access_refused",
    title=_("Access refused: %(title)s"),
    body=_("The issuer refused your request to read “%(title)s”: %(reason)s"),
)

# Due process (bounty/dueprocess/).
register(
    "case.intended",
    title=_("Intended decision concerning %(subject)s: you may respond"),
    body=_(
        "The bureau intends a decision concerning %(subject)s and gives its reasons. You may "
        "answer in writing, with attachments, until %(due)s."
    ),
)
register(
    "case.responded",
    title=_("Response received: %(subject)s"),
    body=_("The party answered the intended decision concerning %(subject)s."),
)
register(
    "case.decided",
    title=_("Decision concerning %(subject)s"),
    body=_(
        "The bureau decided concerning %(subject)s. If the decision stands against you, you "
        "may ask for a review until %(due)s."
    ),
)
register(
    "case.review_requested",
    title=_("Review requested: %(subject)s"),
    body=_("The party asks for a review of the decision concerning %(subject)s."),
)
register(
    "case.reviewed",
    title=_("Review decided: %(subject)s"),
    body=_("Another officer decided the review of the decision concerning %(subject)s."),
)
register(
    "case.final",
    title=_("Decision in effect: %(subject)s"),
    body=_("No review was requested in time: the decision concerning %(subject)s is in effect."),
)

# Payments recorded by whoever pays them (bounty/projects/payment_services.py).
from bounty.models import PaymentPart  # noqa: E402

register(
    "project.payment_recorded",
    title=_("Payment to confirm: %(title)s"),
    body=_(
        "%(amount)s × 10k yuan (%(part)s) recorded on %(label)s of “%(title)s”: the team "
        "confirms receipt or disputes it."
    ),
    labels={"part": PaymentPart.choices},
)
register(
    "project.payment_confirmed",
    title=_("Payment received: %(title)s"),
    body=_(
        "The team confirmed receipt of %(amount)s × 10k yuan (%(part)s) on %(label)s of "
        "“%(title)s”."
    ),
    labels={"part": PaymentPart.choices},
)
register(
    "project.payment_disputed",
    title=_("Payment disputed: %(title)s"),
    body=_(
        "The team disputes the payment of %(amount)s × 10k yuan (%(part)s) on %(label)s of "
        "“%(title)s”: %(reason)s"
    ),
    labels={"part": PaymentPart.choices},
)

# The district's recommendation of a need (issue 19, bounty/calls/district.py).
register(
    "challenge.district_submitted",
    title=_("Need to recommend: %(title)s"),
    body=_("%(issuer)s submitted the need “%(title)s”: recommend it to the city or return it."),
)
register(
    "challenge.recommended",
    title=_("Recommended to the city: %(title)s"),
    body=_("%(district)s recommended “%(title)s” to the city: %(comment)s"),
)
register(
    "challenge.recommended_to_city",
    title=_("Need recommended by %(district)s: %(title)s"),
    body=_(
        "%(district)s recommended “%(title)s” of %(issuer)s: %(comment)s. It waits for vetting."
    ),
)
register(
    "challenge.district_returned",
    title=_("Returned by the district: %(title)s"),
    body=_("%(district)s returned “%(title)s” for revision: %(comment)s"),
)
