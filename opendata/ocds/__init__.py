"""Open Contracting Data Standard 1.1 releases of the challenges (DOMAIN §9).

Each public challenge is one contracting process identified by its ``ocid``. Its releases
are built from the audit trail (``audit.AuditEvent``, in ``seq`` order) and the records it
points to: one release per public event, so a release never changes once published.

========================  =======================  ===========================================
audit event               release tag              what the release says
========================  =======================  ===========================================
challenge.publish         tender                   the call as published (before amendments);
                                                   after 流榜, relatedProcesses names the earlier
                                                   ocid (unsuccessfulProcess)
challenge.amend           tenderAmendment          the call after amendment n, every amendment
challenge.close           tenderUpdate             number of tenderers (bids at the deadline)
challenge.no_award        tenderUpdate             tender unsuccessful (流榜)
challenge.open_notice     award                    proposed winners, award ``pending``
objection.decide (upheld) awardUpdate              the pending awards ``cancelled``
challenge.award           award                    winners, award ``active``; tender complete
project.activate          contract                 contract signed by all three parties
project.change_decide     contractAmendment        an approved change (an extension moves the
  (approved)                                       contract's end date)
milestone.assess.bureau   implementationUpdate     milestone met / not met
milestone.rectify         implementationUpdate     milestone rescheduled (rectification)
tranche.disburse          implementationUpdate     a payment confirmed by the team (transaction, payer)
project.acceptance        implementationUpdate,    final acceptance result; contract closed
                          contractTermination
project.terminate         contractTermination      early termination and its outcome
========================  =======================  ===========================================

Release ids: ``<ocid>-tender-1`` for the publication, ``<ocid>-tenderAmendment-<n>`` for
amendment n (so an amendment can name the release it amends), ``<ocid>-<tag>-<seq>`` for the
others (``seq`` = the audit event's sequence number: unique and never reused).

Withheld (never read here): bids' content and the identities of bidders not awarded, expert
identities, scores and panel documents, askers of clarifications, objectors and objection
texts, payment references, free-text reasons of assessments and terminations. Every tender
section carries a document of type ``x_withheldInformation`` saying so (core schema only).

A published call is a planning process of its own (ocid ``<prefix>-call-<year>-<batch>``, one
release tagged ``planning``); each challenge published in it names it in ``relatedProcesses``
with the relationship ``planning`` (``calls``; docs/ocds.md, "Calls (批次)").

Amounts are stored in 万元 (10,000 CNY) and published in CNY. Organisations are identified
by their unified social credit code under the org-id.guide scheme ``CN-USCI``.

Modules, by what they build (each imports only those listed before it):

- ``values``: the language, dates and amounts (OCDS Values in CNY);
- ``records``: what a batch of events reads, loaded once (``_Records``);
- ``parties``: the parties and the frame of every release (``_base``);
- ``calls``: a call (批次) as a planning process (``call_release``) and the reference a
  challenge of the call makes to it (``call_related_process``);
- ``tender``: the tender section and the tender releases;
- ``awards``: the awards section and the award releases;
- ``contracts``: the contracts section and the contract and implementation releases;
- ``releases``: which events are releases, ``build_releases``, one challenge's releases and
  the feed's pages (``releases_changed_since``);
- ``packages``: release packages (``package``, ``release_package``) and their publisher.
"""
