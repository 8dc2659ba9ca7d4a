"""Permission matrix: every URL of the project × every role, against one world.

``MATRIX`` maps each URL pattern key — ``"namespace:name"`` as for ``reverse()``, or
``"namespace:<route>"`` for an unnamed pattern, or a wildcard rule such as ``"admin:*"`` —
to a tuple of ``Case``. ``test_every_url_pattern_is_in_the_matrix`` walks
``get_resolver()`` (namespaces included) and fails for any pattern without a key, so a
new URL cannot escape the matrix.

A ``Case`` says how to build the URL's kwargs from the world (``tests/matrix_world.py``)
and which roles (``ROLES`` there) may get a successful answer (``ok``, default 200).
Every other role must be refused: anonymous → 302 to the login page, 401, 403, 404 or
405; a signed-in role → 403, 404 or 405. Never 200, never 5xx. ``unknown=`` gives kwargs
naming no object: every role then gets 404 (anonymous may get the login redirect).

``post=True`` marks a POST-only action: a GET must be refused for everyone (405, or
the login redirect / 404 first). For every case (GET pages too, which often take a
form's POST) every role NOT in ``allowed`` POSTs ``data`` and must be refused — 403,
404, 405, a 302 back with a message or the form again with 400 — and nothing in the
database may change (``_fingerprint``: row counts of every project model, every
status field, the audit chain). Allowed roles do not POST (the state would move).
``post_open=True`` skips that for a POST anyone may send (log-out, language).

Beyond status codes, every 200 text response (HTML, JSON, CSV) is searched for the
world's secrets (``world.secrets``: a sealed bid's reference, an ineligible bid's, a
draft bid's, the panel experts' names, a draft challenge's title, a pending
organisation's name), each with the roles that may read it; 401 also counts as a
refusal (for API rows).

HOW TO ADD A ROW (e.g. for the REST API or /healthz): add the pattern's key with its
cases — ``C(kwargs, allowed, ...)`` for a page, ``P(kwargs, allowed, data, ...)`` for a
POST-only action::

    "api:challenge-detail": (
        C(kw(ocid="open.ocid"), PUBLIC, label="published", unknown={"ocid": "none"}),
        C(kw(ocid="draft.ocid"), {"issuer", "bureau"}, label="draft"),
    ),
    "api:bid-detail": (C(kw(reference="sealed.reference"), {"bidder"}, label="sealed"),),
    "healthz": (C({}, PUBLIC),),

``kw(name="attr.path")`` reads the value from the world's objects (see the names in
``tests/matrix_world.build_world``: draft, open, sealed, closed, closed_bid,
rival_bid, draw, seat_*, awarded, won_bid, project, contract, milestone, …); a
callable ``lambda w: {...}`` works as well. A whole namespace can be one explicit
rule with a wildcard key (as ``"admin:*"`` below) when a single rule really covers it.
The rules encoded here come from /work/shared/DOMAIN.md and the predicates in
*/permissions.py; each row's comment names the rule when it is not obvious.
"""

import fnmatch
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix_world import ROLES, build_world

ALL = frozenset(ROLES)
SIGNED_IN = ALL - {"anonymous"}
PUBLIC = ALL
NOBODY = frozenset()
EXPERTS = frozenset({"expert_out", "expert_accepted", "expert_declared"})
PARTIES = frozenset({"bidder", "issuer", "bureau"})  # of the awarded project/contract
BIDDERS = frozenset({"bidder", "other"})  # "other" holds the bidder role elsewhere
ISSUERS = frozenset({"issuer", "other"})  # ... and the issuer role elsewhere
BUREAU = frozenset({"bureau"})
NO_SUCH = 987654


@dataclass(frozen=True)
class Case:
    kwargs: Any = field(default_factory=dict)  # dict, or callable(world) -> dict
    allowed: frozenset = NOBODY
    label: str = ""
    post: bool = False
    data: Any = field(default_factory=dict)  # POST body (dict or callable(world))
    ok: tuple = (200,)
    unknown: Any = None  # kwargs naming no object: 404 for every role
    query: str = ""
    refusal: tuple = ()  # further codes that count as a refusal for this case
    post_open: bool = False  # a POST anyone may send (log-out, language): not checked


def kw(**paths):
    """kwargs read from the world: ``kw(pk="draw.pk")`` → ``{"pk": world.draw.pk}``."""

    def build(world):
        return {k: attrgetter(v)(world) if isinstance(v, str) else v for k, v in paths.items()}

    return build


def C(kwargs, allowed, **extra):
    return Case(kwargs=kwargs, allowed=frozenset(allowed), **extra)


def P(kwargs, allowed, data=None, **extra):
    """A POST-only action."""
    return Case(kwargs=kwargs, allowed=frozenset(allowed), post=True, data=data or {}, **extra)


ADMIN_RULE = "admin:*"

MATRIX: dict[str, tuple[Case, ...]] = {
    # --- Public pages ---------------------------------------------------------------
    "home": (C({}, PUBLIC),),
    "bounty:board": (C({}, PUBLIC),),
    "bounty:acceptances": (C({}, PUBLIC),),
    "review:notices": (C({}, PUBLIC),),
    "documents:verify": (C({}, PUBLIC),),
    # The platform CA's root certificate and its revocation list are public (issue 18).
    "documents:pki_ca": (C({}, PUBLIC),),
    "documents:pki_crl": (C({}, PUBLIC),),
    # Issuing and revoking organisations' certificates is the bureau's.
    "documents:pki_certificates": (C({}, BUREAU),),
    "documents:pki_certificate_issue": (
        P(kw(org_pk="issuer_org.pk"), BUREAU, unknown={"org_pk": NO_SUCH}),
    ),
    "documents:pki_certificate_revoke": (P({"pk": NO_SUCH}, NOBODY, {"reason": "key compromise"}),),
    # An organisation's own PKCS#12: whoever manages a verified organisation.
    "documents:pki_upload": (C({}, {"other", "issuer", "bidder", "bureau"}),),
    # The verification page says "authentic/current" of a number; it never serves the file.
    "documents:verify_number": (
        C(kw(number="contract_document.number"), PUBLIC, unknown={"number": "HT-0000-0-X"}),
    ),
    # A notice is public while the challenge is in notice or awarded, never before; the
    # page also answers 404 once the contract is signed (status "contracted").
    "review:notice": (
        C(kw(ocid="awarded.ocid"), NOBODY, label="contracted"),
        C(kw(ocid="open.ocid"), NOBODY, label="published, no notice"),
        C(kw(ocid="draft.ocid"), NOBODY, label="draft"),
    ),
    # --- Accounts ---------------------------------------------------------------------
    "accounts:login": (C({}, PUBLIC),),
    # Django 5: log-out is POST only; everyone may log out (no domain state to protect).
    "accounts:logout": (C({}, NOBODY, label="GET is 405 for everyone", post_open=True),),
    "accounts:signup": (C({}, {"anonymous"}, refusal=(302,)),),  # signed-in: sent home
    "accounts:profile": (C({}, SIGNED_IN),),
    # Anyone may switch the language: a GET is refused; the POST is open to all.
    "accounts:set_language": (C({}, NOBODY, label="GET is 405 for everyone", post_open=True),),
    "accounts:password_change": (C({}, SIGNED_IN),),
    # --- Two-factor log-in and log-in history (security/): one's own, for every account.
    # tests/security proves the gate itself (officers reach nothing before the 2nd step).
    "security:manage": (C({}, SIGNED_IN),),
    "security:setup": (C({}, SIGNED_IN),),
    "security:login_history": (C({}, SIGNED_IN),),
    # Nobody in the world has an authenticator: the second step sends them to set-up.
    "security:verify": (C({}, SIGNED_IN, ok=(302,), label="no authenticator yet"),),
    # Only a session verified by its second factor makes new codes or turns it off.
    "security:recovery_codes": (P({}, NOBODY, label="session not verified"),),
    "security:disable": (P({}, NOBODY, label="session not verified"),),
    "accounts:password_change_done": (C({}, SIGNED_IN),),
    "accounts:password_reset": (C({}, PUBLIC),),
    "accounts:password_reset_done": (C({}, PUBLIC),),
    "accounts:password_reset_complete": (C({}, PUBLIC),),
    # A bad link shows "this link is invalid" (200) to anyone; nothing is revealed.
    "accounts:password_reset_confirm": (C({"uidb64": "MQ", "token": "bad-token"}, PUBLIC),),
    "accounts:organization_list": (C({}, SIGNED_IN),),
    "accounts:organization_register": (C({}, SIGNED_IN),),
    # Members (guardian grant from membership_add) and the bureau; not a superuser.
    "accounts:organization_detail": (
        C(
            kw(pk="issuer_org.pk"),
            {"issuer", "bureau"},
            label="issuer org",
            unknown={"pk": NO_SUCH},
        ),
        C(kw(pk="pending_org.pk"), BUREAU, label="pending org"),
        # The supervisor belongs to its own 纪检监察组 (draw v3), not to the bureau.
        C(kw(pk="bureau_org.pk"), {"bureau"}, label="bureau org"),
    ),
    # Licences are private files: the organisation's members and the bureau only.
    "accounts:organization_licence": (
        C(
            kw(pk="issuer_org.pk"),
            {"issuer", "bureau"},
            label="issuer org",
            unknown={"pk": NO_SUCH},
        ),
        C(kw(pk="pending_org.pk"), BUREAU, label="pending org"),
    ),
    "accounts:organization_invite": (
        P(
            kw(pk="issuer_org.pk"),
            {"issuer"},
            {"email": "intruder@example.cn", "role": "issuer"},
            unknown={"pk": NO_SUCH},
        ),
    ),
    # An enterprise's administrators name its district (issue 19).
    "accounts:organization_district": (
        P(kw(pk="issuer_org.pk"), {"issuer"}, {"district": ""}, unknown={"pk": NO_SUCH}),
    ),
    # Verification is the bureau's, never for its own organisation.
    "accounts:organization_decide": (
        P(
            kw(pk="pending_org.pk"),
            BUREAU,
            {"decision": "verify", "action": "verify", "comment": "ok"},
            unknown={"pk": NO_SUCH},
        ),
    ),
    "accounts:organization_resubmit": (
        P(kw(pk="pending_org.pk"), NOBODY, label="pending: nothing to resubmit"),
    ),
    "accounts:bureau_queue": (C({}, BUREAU),),
    # The emailed link shows the invitation to whoever holds the token.
    "accounts:invitation_accept": (
        C(kw(token="invitation_token"), PUBLIC, unknown={"token": "no-such-token"}),
    ),
    # --- Challenges -----------------------------------------------------------------------
    "bounty:export": (C({"fmt": "csv"}, BUREAU), C({"fmt": "xlsx"}, BUREAU)),
    "bounty:my_challenges": (C({}, ISSUERS),),
    "bounty:challenge_create": (C({}, ISSUERS),),
    # Drafts: the issuer's staff edit; the bureau sees but never edits.
    "bounty:challenge_edit": (
        C(kw(ocid="draft.ocid"), {"issuer"}, label="draft", unknown={"ocid": "ocds-none"}),
        C(kw(ocid="open.ocid"), {"issuer"}, label="published: issuer sent back", ok=(302,)),
    ),
    "bounty:challenge_submit": (P(kw(ocid="draft.ocid"), {"issuer"}),),
    "bounty:challenge_republish": (P(kw(ocid="awarded.ocid"), NOBODY, label="awarded"),),
    "bounty:vetting_queue": (C({}, BUREAU),),
    # Calls (批次, issue 19): the list and the standard templates are public; a call's page
    # only once its list is published, the management pages the bureau's. The world has no
    # call: its rows name none (404 for all); tests/bounty/calls/test_views.py covers them.
    "bounty:calls": (C({}, PUBLIC),),
    "bounty:call_standard_template": (
        C({"which": "integrity"}, PUBLIC, unknown={"which": "other"}),
    ),
    "bounty:call": (C({"year": 2099, "batch": 1}, NOBODY, label="no such call"),),
    "bounty:call_template": (
        C({"year": 2099, "batch": 1, "which": "integrity"}, NOBODY, label="no such call"),
    ),
    "bounty:bureau_calls": (C({}, BUREAU),),
    "bounty:call_create": (C({}, BUREAU, data={"name": "x", "year": "2099", "batch": "1"}),),
    "bounty:call_manage": (C({"pk": NO_SUCH}, NOBODY, label="no such call"),),
    "bounty:call_edit": (C({"pk": NO_SUCH}, NOBODY, label="no such call", data={"name": "x"}),),
    "bounty:call_action": (P({"pk": NO_SUCH}, NOBODY, {"action": "close"}),),
    # District officers only, for their own enterprises' needs (the world has no district
    # bureau: tests/bounty/calls/test_district_views.py covers them).
    "bounty:district_needs": (C({}, NOBODY),),
    "bounty:district_need": (
        C(kw(ocid="draft.ocid"), NOBODY, label="draft", unknown={"ocid": "ocds-none"}),
        C(kw(ocid="open.ocid"), NOBODY, label="published"),
    ),
    "bounty:district_decide": (
        P(kw(ocid="draft.ocid"), NOBODY, {"decision": "recommend", "comment": "推荐"}),
    ),
    "bounty:challenge_decide": (
        P(kw(ocid="open.ocid"), BUREAU, {"decision": "withdraw", "comment": "x"}, label="open"),
    ),
    "bounty:challenge_amend": (
        C(kw(ocid="open.ocid"), BUREAU, label="open", unknown={"ocid": "ocds-none"}),
        C(kw(ocid="closed.ocid"), NOBODY, label="after the deadline"),
    ),
    "bounty:clarification_ask": (
        P(kw(ocid="open.ocid"), BIDDERS, {"question": "能否延期？"}),
        P(kw(ocid="closed.ocid"), NOBODY, {"question": "能否延期？"}, label="after deadline"),
    ),
    "bounty:clarification_answer": (
        P(
            lambda w: {"ocid": w.open.ocid, "pk": w.question.pk},
            {"issuer", "bureau"},
            {"answer": "不接受。"},
            unknown={"ocid": "ocds-none", "pk": NO_SUCH},
        ),
    ),
    # Only published challenges are public; drafts: the issuer's staff and the bureau.
    "bounty:challenge_detail": (
        C(kw(ocid="draft.ocid"), {"issuer", "bureau"}, label="draft", unknown={"ocid": "x"}),
        C(kw(ocid="open.ocid"), PUBLIC, label="published"),
        C(kw(ocid="closed.ocid"), PUBLIC, label="deadline passed"),
        C(kw(ocid="awarded.ocid"), PUBLIC, label="awarded"),
    ),
    # Restricted / confidential challenges only (the world's are public: 404 for everyone;
    # the levels themselves: tests/bounty/challenges/test_confidentiality.py).
    "bounty:challenge_nda": (
        C(kw(ocid="open.ocid"), NOBODY, label="public challenge", unknown={"ocid": "x"}),
        C(kw(ocid="draft.ocid"), NOBODY, label="draft"),
    ),
    "bounty:access_request": (
        P(kw(ocid="open.ocid"), NOBODY, {"reason": "x"}, label="public challenge"),
    ),
    "bounty:access_decide": (
        P(
            lambda w: {"ocid": w.open.ocid, "pk": NO_SUCH},
            NOBODY,
            {"decision": "admit"},
            label="no such request",
        ),
    ),
    # --- Bids: sealed until the deadline -------------------------------------------------
    "bounty:my_bids": (C({}, BIDDERS),),
    "bounty:bid_start": (
        P(kw(ocid="open.ocid"), BIDDERS, {"lead": ""}),
        P(kw(ocid="draft.ocid"), NOBODY, label="draft"),
        P(kw(ocid="closed.ocid"), NOBODY, label="after the deadline"),
    ),
    # Before the deadline nobody lists bids, not even the bureau.
    "bounty:bid_list": (
        C(kw(ocid="open.ocid"), NOBODY, label="before the deadline", unknown={"ocid": "x"}),
        C(kw(ocid="closed.ocid"), {"bureau", "issuer"}, label="after the formal check"),
        C(kw(ocid="awarded.ocid"), BUREAU, label="awarded (no formal check record)"),
    ),
    "bounty:formal_check_start": (
        P(kw(ocid="closed.ocid"), BUREAU),
        P(kw(ocid="open.ocid"), NOBODY, label="before the deadline"),
    ),
    # Sealed: only the bidding team — not the issuer, the bureau, a superuser or experts.
    # After the deadline: + the bureau and a panel expert who declared no conflict.
    "bounty:bid_detail": (
        C(
            kw(reference="sealed.reference"),
            {"bidder"},
            label="sealed",
            unknown={"reference": "B-x"},
        ),
        C(
            kw(reference="closed_bid.reference"),
            {"bidder", "bureau", "expert_declared", "issuer"},
            label="eligible",
        ),
        # Found ineligible: out of the review (not the issuer, nor the panel).
        C(kw(reference="rival_bid.reference"), BUREAU, label="ineligible"),
        C(kw(reference="won_bid.reference"), {"bidder", "bureau"}, label="winner"),
        C(kw(reference="other_draft.reference"), {"other"}, label="a draft of another team"),
    ),
    # Editing: the team; a submitted bid sends the team back to the bid page.
    "bounty:bid_edit": (
        C(kw(reference="other_draft.reference"), {"other"}, label="draft"),
        C(kw(reference="sealed.reference"), {"bidder"}, ok=(302,), unknown={"reference": "B-x"}),
        C(kw(reference="closed_bid.reference"), {"bidder"}, ok=(302,), label="after deadline"),
    ),
    "bounty:bid_submit": (
        C(kw(reference="other_draft.reference"), {"other"}, label="draft"),
        C(kw(reference="sealed.reference"), {"bidder"}, unknown={"reference": "B-x"}),
        C(kw(reference="closed_bid.reference"), {"bidder"}, label="after deadline"),
    ),
    "bounty:bid_attach": (
        P(kw(reference="sealed.reference"), NOBODY, label="submitted"),
        P(kw(reference="other_draft.reference"), {"other"}, label="draft"),
    ),
    "bounty:bid_detach": (
        P(
            lambda w: {"reference": w.sealed.reference, "pk": w.sealed_attachment.pk},
            NOBODY,
            label="submitted",
        ),
        P(
            lambda w: {"reference": w.other_draft.reference, "pk": w.other_draft_attachment.pk},
            {"other"},
            label="draft",
        ),
    ),
    "bounty:bid_reopen": (P(kw(reference="sealed.reference"), {"bidder"}),),
    # Sealed bids (开标解密): the world's challenges were published with BID_SEALING off
    # (the test settings), so no challenge has a key page; a sealed draft is restored
    # by its team only (tests/bounty/sealing/ covers the pages with sealing on).
    "bounty:challenge_sealing": (
        C(kw(ocid="open.ocid"), NOBODY, label="no key", unknown={"ocid": "none"}),
        C(kw(ocid="closed.ocid"), NOBODY, label="no key, after the deadline"),
    ),
    "bounty:bid_unseal": (
        P(kw(reference="sealed.reference"), {"bidder"}, {"passphrase": "x" * 12}),
    ),
    "bounty:bid_withdraw": (
        P(kw(reference="sealed.reference"), {"bidder"}),
        P(kw(reference="closed_bid.reference"), NOBODY, label="after the deadline"),
    ),
    "bounty:bid_attachment": (
        C(
            lambda w: {"reference": w.sealed.reference, "pk": w.sealed_attachment.pk},
            {"bidder"},
            label="sealed",
            unknown=lambda w: {"reference": w.sealed.reference, "pk": NO_SUCH},
        ),
        C(
            lambda w: {"reference": w.closed_bid.reference, "pk": w.closed_attachment.pk},
            {"bidder", "bureau", "expert_declared", "issuer"},
            label="after deadline",
        ),
        C(
            lambda w: {"reference": w.other_draft.reference, "pk": w.other_draft_attachment.pk},
            {"other"},
            label="draft of another team",
        ),
        C(  # an attachment id of another bid through a bid the user may read
            lambda w: {"reference": w.closed_bid.reference, "pk": w.sealed_attachment.pk},
            NOBODY,
            label="foreign attachment id",
        ),
    ),
    "bounty:bid_receipt": (
        C(
            lambda w: {"reference": w.sealed.reference, "number": w.sealed_version.number},
            {"bidder"},
            label="sealed",
            unknown=lambda w: {"reference": w.sealed.reference, "number": 99},
        ),
        C(
            lambda w: {"reference": w.closed_bid.reference, "number": w.closed_version.number},
            {"bidder", "bureau", "expert_declared", "issuer"},
            label="after deadline",
        ),
    ),
    "bounty:formal_check": (
        C(kw(reference="closed_bid.reference"), BUREAU, unknown={"reference": "B-x"}),
        C(kw(reference="sealed.reference"), NOBODY, label="sealed"),
    ),
    # 补正 (issue 17): the officer asks while the bid waits for its check (here every bid is
    # checked: refused for all); the bid's team adds files in the window (the world's
    # window has closed, and no role is the rival's team); the added file is read like the
    # bid's own files (the rival's is ineligible: the bureau only).
    "bounty:bid_cure_open": (
        P(kw(reference="closed_bid.reference"), NOBODY, {"missing": "x"}, label="checked"),
        P(kw(reference="sealed.reference"), NOBODY, {"missing": "x"}, label="sealed"),
    ),
    "bounty:bid_cure_upload": (
        P(kw(reference="rival_bid.reference"), NOBODY, {"kind": "other"}, label="completed"),
        P(kw(reference="sealed.reference"), NOBODY, {"kind": "other"}, label="none asked"),
    ),
    "bounty:bid_cure_file": (
        C(
            lambda w: {"reference": w.rival_bid.reference, "pk": w.cure_file.pk},
            BUREAU,
            unknown={"reference": "B-x", "pk": NO_SUCH},
        ),
        C(
            lambda w: {"reference": w.closed_bid.reference, "pk": w.cure_file.pk},
            NOBODY,
            label="another bid's file",
        ),
    ),
    # --- Projects: the three parties (+ cleared panel experts of the project) ---------------
    "bounty:projects": (C({}, SIGNED_IN),),  # each sees their own organisations' projects
    "bounty:project": (C(kw(pk="project.pk"), PARTIES, unknown={"pk": NO_SUCH}),),
    "bounty:project_action": (
        P(
            kw(pk="project.pk"),
            PARTIES,
            {"action": "terminate", "outcome": "misconduct", "reason": "x"},
            unknown={"pk": NO_SUCH},
        ),
    ),
    # Changes (issue 17): the team files or asks; the bureau acknowledges or decides.
    "bounty:project_change": (
        P(
            kw(pk="project.pk"),
            {"bidder"},
            {"kind": "route", "route": "x", "description": "x"},
            unknown={"pk": NO_SUCH},
        ),
    ),
    "bounty:project_change_decide": (
        P(
            kw(pk="project.pk", change_pk="route_change.pk"),
            BUREAU,
            {"decision": "acknowledge"},
            unknown={"pk": NO_SUCH, "change_pk": NO_SUCH},
        ),
    ),
    "bounty:report_attachment": (
        C(kw(pk="report_attachment.pk"), PARTIES, unknown={"pk": NO_SUCH}),
    ),
    # --- Acceptance: the dossier (parties + cleared panel experts), the team's form, the
    # issuer's user report; the public notice of results with real-name objections ---------
    "bounty:project_dossier": (C(kw(pk="project.pk"), PARTIES, unknown={"pk": NO_SUCH}),),
    "bounty:project_dossier_edit": (
        C(kw(pk="project.pk"), {"bidder"}, data={"work_done": "x"}, unknown={"pk": NO_SUCH}),
    ),
    "bounty:project_user_report": (
        C(kw(pk="project.pk"), {"issuer"}, data={"user_report": "x"}, unknown={"pk": NO_SUCH}),
    ),
    "bounty:project_dossier_file": (
        C(
            lambda w: {"pk": w.project.pk, "which": w.dossier_file_key},
            PARTIES,
            unknown=lambda w: {"pk": w.project.pk, "which": "report-987654"},
        ),
    ),
    # Public; a signed-in user files an objection by POST (real-name: anyone may).
    "bounty:acceptance_notice": (
        C(kw(pk="acceptance_notice.pk"), PUBLIC, unknown={"pk": NO_SUCH}),
    ),
    "bounty:acceptance_objection_decide": (
        P(
            kw(pk="acceptance_objection.pk"),
            BUREAU,
            {"upheld": "0", "reason": "x"},
            unknown={"pk": NO_SUCH},
        ),
    ),
    # The evidence may name the objector: the bureau only.
    "bounty:acceptance_objection_evidence": (
        C(kw(pk="acceptance_objection.pk"), BUREAU, unknown={"pk": NO_SUCH}),
    ),
    # Payments: each payer records its part, the team confirms or disputes (the services
    # refuse the wrong party); the bank slip is for the three parties only.
    "bounty:payment_action": (
        P(
            kw(pk="project.pk"),
            PARTIES,
            lambda w: {"action": "dispute", "payment": w.payment.pk, "reason": "x"},
            unknown={"pk": NO_SUCH},
        ),
    ),
    "bounty:payment_slip": (C(kw(pk="payment.pk"), PARTIES, unknown={"pk": NO_SUCH}),),
    # --- Due process (heard: the team; decided: the bureau) and collective decisions ------
    "bounty:cases": (C({}, SIGNED_IN),),  # each sees the cases where they are heard
    "bounty:case": (C(kw(pk="case.pk"), {"bidder", "bureau"}, unknown={"pk": NO_SUCH}),),
    "bounty:case_action": (
        P(
            kw(pk="case.pk"),
            {"bidder", "bureau"},
            {"action": "respond", "text": "x"},
            unknown={"pk": NO_SUCH},
        ),
    ),
    "bounty:case_file": (C(kw(pk="case_file.pk"), {"bidder", "bureau"}, unknown={"pk": NO_SUCH}),),
    "bounty:meetings": (C({}, {"bureau", "supervisor"}),),
    "bounty:meeting_new": (C({}, BUREAU, data={"body": "x", "held_on": "2026-01-01"}),),
    "bounty:meeting": (C(kw(pk="meeting.pk"), {"bureau", "supervisor"}, unknown={"pk": NO_SUCH}),),
    "bounty:meeting_minutes": (
        C(kw(pk="meeting.pk"), {"bureau", "supervisor"}, unknown={"pk": NO_SUCH}),
    ),
    # --- Expert pool -------------------------------------------------------------------
    "review:pool": (C({}, BUREAU),),
    "review:pool_import": (C({}, BUREAU),),
    "review:pool_export": (C({"fmt": "csv"}, BUREAU), C({"fmt": "xlsx"}, BUREAU)),
    "review:my_profile": (C({}, EXPERTS),),
    "review:expert_detail": (
        C(
            kw(code="seat_declared.expert.code"),
            {"bureau", "expert_declared"},
            unknown={"code": "T999999"},
        ),
    ),
    # Expert ratings and removal proposals (issue 17): the bureau's alone; the expert
    # concerned, teams and issuers never see ratings.
    "review:expert_removal": (
        C(
            kw(code="seat_declared.expert.code"),
            BUREAU,
            data={"reasons": "x"},
            unknown={"code": "T999999"},
        ),
    ),
    "review:panel_ratings": (
        C(
            kw(pk="draw.pk"),
            BUREAU,
            data=lambda w: {
                "seat": w.seat_declared.pk,
                "timeliness": "3",
                "quality": "3",
                "note": "x",
            },
            unknown={"pk": NO_SUCH},
        ),
    ),
    # --- Draws and panels: the bureau and supervisors; hidden from bidders and the issuer --
    "review:draw_list": (
        C(kw(ocid="closed.ocid"), BUREAU, unknown={"ocid": "x"}),
        C(kw(ocid="open.ocid"), NOBODY, label="before the deadline"),
    ),
    "review:draw_create": (
        P(kw(ocid="closed.ocid"), BUREAU),
        P(kw(ocid="open.ocid"), NOBODY, label="before the deadline"),
    ),
    "review:exclusions": (C(kw(ocid="closed.ocid"), BUREAU, unknown={"ocid": "x"}),),
    # Need vetting (需求论证): the bureau, never the issuer; the draw only in vetting (else a
    # message on the page).
    "review:need_vetting": (C(kw(ocid="closed.ocid"), BUREAU, unknown={"ocid": "x"}),),
    "review:need_vetting_draw": (
        P(kw(ocid="closed.ocid"), BUREAU, ok=(302,), label="not in vetting: told why"),
    ),
    # The public record of a challenge's draws (draw v3): anyone who may see the challenge.
    "review:draws_public": (
        C(kw(ocid="closed.ocid"), PUBLIC, unknown={"ocid": "x"}),
        C(kw(ocid="draft.ocid"), {"issuer", "bureau"}, label="draft"),
    ),
    "review:declaration_rule": (
        P(kw(pk="declaration.pk"), BUREAU, {"ruling": "cleared"}, unknown={"pk": NO_SUCH}),
    ),
    "review:panel_draw_create": (
        P(
            lambda w: {"kind": "milestone", "pk": w.milestone.pk},
            BUREAU,
            unknown={"kind": "milestone", "pk": NO_SUCH},
        ),
        P(lambda w: {"kind": "acceptance", "pk": w.project.pk}, BUREAU, label="acceptance"),
    ),
    "review:draw_detail": (C(kw(pk="draw.pk"), {"bureau", "supervisor"}, unknown={"pk": NO_SUCH}),),
    "review:draw_step": (
        P(kw(pk="draw.pk"), {"bureau", "supervisor"}, {"step": "cancel", "reason": "x"}),
    ),
    # The bundle is pseudonymous; public only once the award is decided.
    "review:draw_bundle": (C(kw(pk="draw.pk"), {"bureau", "supervisor"}, unknown={"pk": NO_SUCH}),),
    # Expert fees (专家咨询费): the bureau only (finance), per panel and per period.
    "review:fees": (C({}, BUREAU),),
    "review:fee_export": (C({}, BUREAU),),  # ?draw=<pk>: tests/review/test_expert_fees.py
    "review:draw_fees": (
        C(
            kw(pk="draw.pk"),
            BUREAU,
            data={"action": "record", "held_on": "2026-01-01", "days": "1"},
            unknown={"pk": NO_SUCH},
        ),
    ),
    "review:my_invitations": (C({}, SIGNED_IN),),
    "review:invitation": (
        C(kw(pk="seat_accepted.pk"), {"expert_accepted"}, label="accepted", unknown={"pk": 0}),
        C(kw(pk="seat_declared.pk"), {"expert_declared"}, label="declared"),
        C(kw(pk="seat_waiting.pk"), NOBODY, label="alternate, not invited"),
    ),
    # Scoring needs a declaration of no conflict for that bid.
    "review:score_bid": (
        C(
            lambda w: {"pk": w.seat_declared.pk, "bid_pk": w.closed_bid.pk},
            {"expert_declared"},
            unknown=lambda w: {"pk": w.seat_declared.pk, "bid_pk": NO_SUCH},
        ),
        C(
            lambda w: {"pk": w.seat_accepted.pk, "bid_pk": w.closed_bid.pk},
            NOBODY,
            label="not declared",
        ),
        C(
            lambda w: {"pk": w.seat_declared.pk, "bid_pk": w.sealed.pk},
            NOBODY,
            label="a sealed bid of another challenge",
        ),
        C(  # found ineligible by the formal check: not for the panel
            lambda w: {"pk": w.seat_declared.pk, "bid_pk": w.rival_bid.pk},
            NOBODY,
            label="ineligible bid",
        ),
    ),
    "review:scores_submit": (P(kw(pk="seat_declared.pk"), {"expert_declared"}),),
    # Ranking: the bureau; the issuer only once the review runs; experts after scoring.
    "review:ranking": (
        C(kw(ocid="closed.ocid"), BUREAU, unknown={"ocid": "x"}),
        C(kw(ocid="open.ocid"), NOBODY, label="before the deadline"),
    ),
    "review:award_step": (
        P(kw(ocid="closed.ocid"), {"bureau", "issuer"}, {"step": "start_review"}),
    ),
    # 流榜 on the issuer's request, the bureau's decision after the proposal deadline.
    "review:award_exit": (
        P(
            kw(ocid="closed.ocid"),
            {"bureau", "issuer"},
            {"action": "decline_request", "reason": "x"},
            unknown={"ocid": "x"},
        ),
    ),
    # The winners' signing deadlines, 递补 or re-publication: the bureau only.
    "review:signing": (C(kw(ocid="awarded.ocid"), BUREAU, unknown={"ocid": "x"}),),
    # Feedback: the team, once the challenge is decided.
    "review:feedback": (
        C(kw(reference="won_bid.reference"), {"bidder"}, unknown={"reference": "B-x"}),
        C(kw(reference="closed_bid.reference"), NOBODY, label="not decided"),
    ),
    # --- Documents and contracts: the three parties ----------------------------------------
    "documents:contracts": (C({}, SIGNED_IN),),  # each sees the contracts they are party to
    "documents:contract": (C(kw(number="contract.number"), PARTIES, unknown={"number": "HT-x"}),),
    "documents:contract_terms": (P(kw(number="contract.number"), NOBODY, label="signed"),),
    "documents:contract_regenerate": (P(kw(number="contract.number"), NOBODY, label="signed"),),
    "documents:contract_sign": (
        P(
            kw(number="contract.number"),
            NOBODY,
            {"party": "team", "method": "online", "password": "pw-for-tests-1", "confirm": "on"},
            label="signed",
        ),
    ),
    # Signed scans are private files of the parties.
    "documents:signature_scan": (C(kw(pk="scan_signature.pk"), PARTIES, unknown={"pk": NO_SUCH}),),
    # 补充协议: signed by the parties in order; the team signed, the issuer's turn.
    "documents:supplement_sign": (
        P(
            kw(pk="supplement.pk"),
            {"issuer"},
            lambda w: {
                "party": "issuer",
                f"s{w.supplement.pk}-method": "online",
                f"s{w.supplement.pk}-password": "pw-for-tests-1",
                f"s{w.supplement.pk}-confirm": "on",
            },
            unknown={"pk": NO_SUCH},
        ),
    ),
    "documents:supplement_signature_scan": (
        C(kw(pk="supplement_signature.pk"), PARTIES, unknown={"pk": NO_SUCH}),
    ),
    "documents:download": (
        C(kw(number="contract_document.number"), PARTIES, unknown={"number": "HT-x"}),
    ),
    "documents:retry": (P(kw(number="contract_document.number"), NOBODY, label="ready"),),
    # A receipt is a copy of the bid: sealed like the bid.
    "documents:of": (
        C(
            lambda w: {"kind": "receipt", "pk": w.sealed_version.pk},
            {"bidder"},
            label="receipt of a sealed bid",
            unknown={"kind": "receipt", "pk": NO_SUCH},
        ),
        C(
            lambda w: {"kind": "acceptance", "pk": w.project.pk},
            NOBODY,
            label="acceptance notice of a running project",
        ),
    ),
    "documents:templates": (C({}, BUREAU),),
    "documents:template_new": (P({"kind": "task_book"}, BUREAU),),
    "documents:template_edit": (C(kw(pk="template.pk"), BUREAU, unknown={"pk": NO_SUCH}),),
    "documents:template_preview": (C(kw(pk="template.pk"), BUREAU, unknown={"pk": NO_SUCH}),),
    "documents:template_publish": (P(kw(pk="template.pk"), NOBODY, label="already published"),),
    # --- Dashboard and notifications --------------------------------------------------------
    "dashboard:bureau": (C({}, BUREAU),),
    "dashboard:export": (C({}, BUREAU),),
    "dashboard:statistics_export": (C({}, BUREAU),),
    "notifications:inbox": (C({}, SIGNED_IN),),
    "notifications:preferences": (C({}, SIGNED_IN),),
    "notifications:mark_all_read": (P({}, SIGNED_IN),),
    # Opening a notification marks it read and follows its link: the recipient only.
    "notifications:open": (C(kw(pk="notification.pk"), {"issuer"}, ok=(302,), unknown={"pk": 0}),),
    # --- The REST API (/api/v1/): the same predicates as the web pages ------------------
    # Anonymous callers get 401 (a Bearer challenge) where the web redirects to log-in; a
    # service's refusal of a POST is 409 (or 400 with field errors). API = refusals too.
    "api:schema": (C({}, PUBLIC),),
    "api:docs": (C({}, PUBLIC),),
    "api:redoc": (C({}, PUBLIC),),
    "api:<api/v1/^(?!ocds/).*$>": (C({}, NOBODY, label="JSON 404 for any other path"),),
    "api:industries": (C({}, PUBLIC),),
    "api:board": (C({}, PUBLIC),),
    "api:challenge": (
        C(kw(ocid="draft.ocid"), {"issuer", "bureau"}, label="draft", unknown={"ocid": "x"}),
        C(kw(ocid="open.ocid"), PUBLIC, label="published"),
        C(kw(ocid="awarded.ocid"), PUBLIC, label="awarded"),
    ),
    "api:notices": (C({}, PUBLIC),),
    "api:notice": (
        C(kw(ocid="open.ocid"), NOBODY, label="published, no notice", unknown={"ocid": "x"}),
        C(kw(ocid="draft.ocid"), NOBODY, label="draft"),
    ),
    "api:awards": (C({}, PUBLIC),),
    # Verification answers every hash: "authentic" for ours, "not found" (200) otherwise.
    "api:verify": (
        C(kw(sha256="contract_document.sha256"), PUBLIC),
        C({"sha256": "0" * 64}, PUBLIC, label="not ours: answered not found"),
    ),
    "api:me": (C({}, SIGNED_IN),),
    "api:organizations": (C({}, SIGNED_IN),),
    "api:organization": (
        C(kw(pk="issuer_org.pk"), {"issuer", "bureau"}, unknown={"pk": NO_SUCH}),
        C(kw(pk="pending_org.pk"), BUREAU, label="pending org"),
    ),
    "api:my_bids": (C({}, SIGNED_IN),),  # each sees the bids of their own organisations
    "api:challenge_bids": (
        C(kw(ocid="open.ocid"), NOBODY, label="before the deadline", unknown={"ocid": "x"}),
        C(kw(ocid="closed.ocid"), {"bureau", "issuer"}, label="after the formal check"),
    ),
    "api:bid": (
        C(
            kw(reference="sealed.reference"),
            {"bidder"},
            label="sealed",
            unknown={"reference": "B-x"},
        ),
        C(
            kw(reference="closed_bid.reference"),
            {"bidder", "bureau", "expert_declared", "issuer"},
            label="eligible",
        ),
        C(kw(reference="rival_bid.reference"), BUREAU, label="ineligible"),
        C(kw(reference="other_draft.reference"), {"other"}, label="a draft of another team"),
    ),
    "api:bid_attachments": (P(kw(reference="sealed.reference"), NOBODY, label="submitted"),),
    "api:bid_attachment": (
        C(
            lambda w: {"reference": w.sealed.reference, "pk": w.sealed_attachment.pk},
            NOBODY,
            label="DELETE only; GET is 405",
        ),
    ),
    "api:bid_submit": (
        P(kw(reference="other_draft.reference"), {"other"}, label="a draft of another team"),
    ),
    "api:bid_withdraw": (
        P(kw(reference="closed_bid.reference"), NOBODY, label="after the deadline"),
    ),
    "api:bid_reopen": (
        P(kw(reference="closed_bid.reference"), NOBODY, label="after the deadline"),
    ),
    "api:bid_receipts": (
        C(
            kw(reference="sealed.reference"),
            {"bidder"},
            label="sealed",
            unknown={"reference": "B-x"},
        ),
        C(
            kw(reference="closed_bid.reference"),
            {"bidder", "bureau", "expert_declared", "issuer"},
            label="after deadline",
        ),
    ),
    "api:bid_receipt": (
        C(
            lambda w: {"reference": w.sealed.reference, "number": w.sealed_version.number},
            {"bidder"},
            label="sealed",
            unknown=lambda w: {"reference": w.sealed.reference, "number": 99},
        ),
    ),
    "api:invitations": (C({}, SIGNED_IN),),  # each expert's own
    "api:invitation": (
        C(kw(pk="seat_accepted.pk"), {"expert_accepted"}, label="accepted", unknown={"pk": 0}),
        C(kw(pk="seat_declared.pk"), {"expert_declared"}, label="declared"),
        C(kw(pk="seat_waiting.pk"), NOBODY, label="alternate, not invited"),
    ),
    "api:accept": (P(kw(pk="seat_accepted.pk"), NOBODY, label="already accepted"),),
    "api:decline": (P(kw(pk="seat_waiting.pk"), NOBODY, label="alternate, not invited"),),
    "api:declare": (P(kw(pk="seat_waiting.pk"), NOBODY, label="alternate, not invited"),),
    "api:score_sheet": (
        C(
            lambda w: {"pk": w.seat_declared.pk, "bid_pk": w.closed_bid.pk},
            {"expert_declared"},
            unknown=lambda w: {"pk": w.seat_declared.pk, "bid_pk": NO_SUCH},
        ),
        C(
            lambda w: {"pk": w.seat_accepted.pk, "bid_pk": w.closed_bid.pk},
            NOBODY,
            label="not declared",
        ),
    ),
    "api:scores_submit": (
        P(kw(pk="seat_accepted.pk"), NOBODY, label="not declared", refusal=(409,)),
    ),
    "api:projects": (C({}, SIGNED_IN),),
    "api:project": (C(kw(pk="project.pk"), PARTIES, unknown={"pk": NO_SUCH}),),
    "api:milestone_report": (
        P(
            lambda w: {"pk": w.project.pk, "number": w.milestone.number},
            NOBODY,
            label="report already filed",
        ),
    ),
    "api:bureau_challenges": (C({}, BUREAU),),
    # The issuer's and the bureau's side (api/views/manage.py): the issuer's staff, a bureau
    # officer outside the issuer, else 404; a service's refusal is 409, a bad body 400.
    "api:issuer_challenges": (C({}, ISSUERS),),  # staff of a verified issuer organisation
    "api:issuer_challenge": (
        C(kw(ocid="draft.ocid"), {"issuer"}, label="draft", unknown={"ocid": "x"}),
        C(kw(ocid="open.ocid"), {"issuer"}, label="published"),
    ),
    "api:issuer_challenge_submit": (
        P(kw(ocid="draft.ocid"), {"issuer"}, label="the issuer's draft", unknown={"ocid": "x"}),
    ),
    "api:issuer_award_propose": (
        P(kw(ocid="closed.ocid"), NOBODY, label="not under review", unknown={"ocid": "x"}),
    ),
    "api:bureau_decision": (
        P(kw(ocid="draft.ocid"), NOBODY, label="a draft", unknown={"ocid": "x"}),
    ),
    "api:bureau_formal_check_start": (
        P(kw(ocid="open.ocid"), NOBODY, label="before the deadline", unknown={"ocid": "x"}),
    ),
    "api:bureau_formal_check": (
        C(
            kw(reference="closed_bid.reference"),
            BUREAU,
            label="checked",
            unknown={"reference": "B-x"},
        ),
        C(kw(reference="sealed.reference"), NOBODY, label="sealed"),
    ),
    "api:bureau_award_propose": (
        P(kw(ocid="closed.ocid"), NOBODY, label="not under review", unknown={"ocid": "x"}),
    ),
    "api:bureau_award_confirm": (
        P(kw(ocid="closed.ocid"), NOBODY, label="nothing proposed", unknown={"ocid": "x"}),
    ),
    "api:bureau_award_return": (
        P(kw(ocid="closed.ocid"), NOBODY, label="nothing proposed", unknown={"ocid": "x"}),
    ),
    # District officers only, for their own enterprises' submitted needs (the world has no
    # district bureau: tests/api/test_manage.py covers them).
    "api:district_recommend": (
        P(kw(ocid="draft.ocid"), NOBODY, {"comment": "推荐"}, unknown={"ocid": "x"}),
    ),
    "api:district_return": (
        P(kw(ocid="draft.ocid"), NOBODY, {"comment": "退回"}, unknown={"ocid": "x"}),
    ),
    # --- Personal API tokens (web page) -------------------------------------------------
    "api_tokens:list": (C({}, SIGNED_IN),),
    "api_tokens:revoke": (P({"pk": NO_SUCH}, NOBODY, label="no such token"),),
    # --- Open data (OCDS) ------------------------------------------------------------------
    "opendata:releases": (C({}, PUBLIC),),
    "opendata:package": (
        C(kw(ocid="open.ocid"), PUBLIC, label="published", unknown={"ocid": "ocds-none"}),
        C(kw(ocid="draft.ocid"), NOBODY, label="draft"),
    ),
    "opendata:call_package": (C({"year": 2099, "batch": 1}, NOBODY, label="no such call"),),
    # --- Operations --------------------------------------------------------------------------
    "ops:healthz": (C({}, PUBLIC, ok=(200, 503)),),
    # --- Django admin: one rule for every admin: pattern ----------------------------------
    # Only the three administrators (sysadmin, secadmin, auditadmin) enter; every other
    # role, the superuser and the bureau officer included, is sent to the log-in. An
    # administrator gets 200 on the index and on the changelists of their duty, a refusal
    # (403/404) elsewhere, never a 5xx, and no page shows a secret of the world (the admin
    # holds no bid, challenge, clarification or organisation). tests/security walks every
    # admin URL with POSTs too.
    ADMIN_RULE: (),
}


# --- URL enumeration -----------------------------------------------------------------------


def url_patterns(resolver=None, prefix="", namespace=None):
    """(key, route, pattern) for every URL pattern, namespaces included."""
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        route = prefix + str(item.pattern)
        if isinstance(item, URLResolver):
            ns = namespace
            if item.namespace:
                ns = f"{namespace}:{item.namespace}" if namespace else item.namespace
            yield from url_patterns(item, route, ns)
        elif isinstance(item, URLPattern):
            name = item.name or f"<{route}>"
            yield (f"{namespace}:{name}" if namespace else name), route, item


def matrix_key(key):
    if key in MATRIX:
        return key
    return next((k for k in MATRIX if "*" in k and fnmatch.fnmatchcase(key, k)), None)


def test_every_url_pattern_is_in_the_matrix():
    missing = sorted(key for key, _route, _p in url_patterns() if matrix_key(key) is None)
    assert not missing, "URL patterns without a row in MATRIX: " + ", ".join(missing)


def test_the_matrix_has_no_stale_rows():
    keys = {key for key, _route, _p in url_patterns()}
    stale = [k for k in MATRIX if "*" not in k and k not in keys]
    assert not stale, f"MATRIX rows for URL patterns that no longer exist: {stale}"


# --- Running the matrix ----------------------------------------------------------------------


LOCAL_APPS = {
    "accounts",
    "audit",
    "notifications",
    "bounty",
    "documents",
    "review",
    "dashboard",
    "security",
}


def _fingerprint():
    """Row counts of every project model (one query) and every status field: a refused
    POST leaves it as it was. Every service also appends an audit event (counted)."""
    models = [m for m in apps.get_models() if m._meta.app_label in LOCAL_APPS]
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        state = {"counts": tuple(cursor.fetchone())}
    for model in models:
        if any(f.name == "status" for f in model._meta.concrete_fields):
            state[model._meta.label] = tuple(
                model.objects.order_by("pk").values_list("pk", "status")
            )
    return state


def _leaks(role, response, world, exempt=()):
    """Secrets of the world shown to a role outside their readers (text responses only)."""
    if response.status_code != 200 or response.streaming:
        return []
    kind = response.get("Content-Type", "")
    if not kind.startswith(("text/", "application/json")):
        return []
    body = response.content.decode(errors="replace")
    return [
        text
        for text, readers in world.secrets.items()
        if role not in readers and text not in exempt and text in body
    ]


def _call(client, method, url, data):
    """One request in a savepoint: a 500 that broke the transaction (PostgreSQL) is undone."""
    sid = transaction.savepoint()
    response = client.get(url) if method == "GET" else client.post(url, data)
    if response.status_code >= 500:
        transaction.savepoint_rollback(sid)
    else:
        transaction.savepoint_commit(sid)
    return response


def _to_login(response):
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location.startswith(str(settings.LOGIN_URL))
        or location.startswith(reverse("accounts:login"))
    )


def _refused(role, response, *, post, extra=()):
    code = response.status_code
    if code in (401, 403, 404, 405) or code in extra:
        return True
    if role == "anonymous" and _to_login(response):
        return True
    # A refused action may answer with a redirect back and a message, show its form
    # again with 400, or (the API) say 409 when a service refuses; the fingerprint
    # (checked separately) proves that nothing changed.
    return post and code in (302, 400, 409)


def _describe(response):
    location = response.get("Location")
    return f"{response.status_code}" + (f" → {location}" if location else "")


def _resolve(value, world):
    return value(world) if callable(value) else dict(value)


def _clients(world):
    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(world.users[role])
        clients[role] = client
    return clients


def _run_case(key, case, world, clients, problems):
    name = key
    label = f"{name} [{case.label}]" if case.label else name
    kwargs = _resolve(case.kwargs, world)
    url = reverse(name, kwargs=kwargs) + (f"?{case.query}" if case.query else "")
    for role, client in clients.items():
        response = _call(client, "GET", url, {})
        for text in _leaks(role, response, world):
            problems.append((label, "GET", role, f"page shows {text!r}", "hidden"))
        if case.post:
            if response.status_code == 200 or not _refused(role, response, post=False):
                problems.append((label, "GET", role, _describe(response), "refused (POST only)"))
        elif role in case.allowed:
            if response.status_code not in case.ok:
                problems.append((label, "GET", role, _describe(response), f"one of {case.ok}"))
        elif not _refused(role, response, post=False, extra=case.refusal):
            problems.append((label, "GET", role, _describe(response), "refused"))
    if not case.post_open:
        # Every role refused the page must be refused its POST too (a form view, or a
        # POST-only action): refused and nothing changed.
        data = _resolve(case.data, world)
        for role, client in clients.items():
            if role in case.allowed:
                continue
            before = _fingerprint()
            response = _call(client, "POST", url, data)
            if not _refused(role, response, post=True):
                problems.append((label, "POST", role, _describe(response), "refused"))
            if _fingerprint() != before:
                problems.append((label, "POST", role, "STATE CHANGED", "nothing changed"))
    if case.unknown is not None:
        url = reverse(name, kwargs=_resolve(case.unknown, world))
        for role, client in clients.items():
            response = _call(client, "POST" if case.post else "GET", url, {})
            anonymous_sent_away = role == "anonymous" and (
                _to_login(response) or response.status_code == 401  # the API asks for a token
            )
            if not (response.status_code == 404 or anonymous_sent_away):
                problems.append((label + " <unknown id>", "", role, _describe(response), "404"))


def _admin_url(key, route, pattern):
    """A concrete URL for an admin pattern (placeholder ids: the rule is about access)."""
    if key == "admin:<admin/(?P<url>.*)$>":
        return "/admin/no-such-page/"
    name = key.split(":", 1)[1]
    if name.startswith("<"):  # unnamed: the old-style "<id>/" redirect to the change page
        return "/" + route.replace("<path:object_id>", "1")
    converters = pattern.pattern.converters if hasattr(pattern.pattern, "converters") else {}
    kwargs = {}
    for arg in list(converters) + list(pattern.pattern.regex.groupindex):
        kwargs[arg] = {"app_label": "bounty", "content_type_id": 1}.get(arg, "1")
    return reverse(key, kwargs=kwargs)


# The admin pages each administrator must reach (beyond the index).
ADMINISTRATORS = {
    "sysadmin": {
        "admin:accounts_user_changelist",
        "admin:bounty_industry_changelist",
        "admin:queue",
    },
    "secadmin": {
        "admin:accounts_user_changelist",
        "admin:security_staffduty_changelist",
        "admin:axes_accessattempt_changelist",
    },
    "auditadmin": {
        "admin:audit_auditevent_changelist",
        "admin:security_loginrecord_changelist",
        "admin:security_staffduty_changelist",
    },
}


def _run_admin_rule(world, clients, problems):
    admin_login = reverse("admin:login")
    for key, route, pattern in url_patterns():
        if not fnmatch.fnmatchcase(key, ADMIN_RULE):
            continue
        url = _admin_url(key, route, pattern)
        for role, client in clients.items():
            response = _call(client, "GET", url, {})
            for text in _leaks(role, response, world, exempt=world.admin_manages):
                problems.append((key, "GET", role, f"page shows {text!r}", "hidden"))
            code = response.status_code
            if role in ADMINISTRATORS:
                must_succeed = key == "admin:index" or key in ADMINISTRATORS[role]
                if code >= 500 or (must_succeed and code != 200):
                    problems.append((key, "GET", role, _describe(response), "200 / no 5xx"))
            elif key in ("admin:login", "admin:logout"):
                if code >= 500:
                    problems.append((key, "GET", role, _describe(response), "no 5xx"))
            elif (
                code == 200
                or code >= 500
                or (code == 302 and not response["Location"].startswith(admin_login))
            ):
                problems.append((key, "GET", role, _describe(response), "admin login"))


@pytest.mark.django_db
def test_permission_matrix():
    world = build_world()
    clients = _clients(world)
    problems = []
    patterns = {key for key, _route, _p in url_patterns()}
    for key, cases in MATRIX.items():
        if "*" in key:
            continue
        assert key in patterns, f"stale row {key}"
        for case in cases:
            _run_case(key, case, world, clients, problems)
    _run_admin_rule(world, clients, problems)
    report = "\n".join(
        f"  {url:<60} {method:<4} {role:<16} got {got:<40} expected {expected}"
        for url, method, role, got, expected in problems
    )
    assert not problems, f"{len(problems)} permission mismatches:\n{report}"


@pytest.mark.django_db
def test_the_fingerprint_sees_a_status_change_and_a_new_row():
    from bounty.models import Challenge, ChallengeStatus
    from tests.bounty.factories import make_challenge

    challenge = make_challenge(status=ChallengeStatus.PUBLISHED)
    before = _fingerprint()
    Challenge.objects.filter(pk=challenge.pk).update(status=ChallengeStatus.WITHDRAWN)
    after_status = _fingerprint()
    assert after_status != before
    make_challenge(status=ChallengeStatus.DRAFT)
    assert _fingerprint() != after_status
