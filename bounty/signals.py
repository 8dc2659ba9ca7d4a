from django.dispatch import Signal

# Sent inside an amendment's transaction with ``amendment``. The bid issue
# connects here: receivers reopen submitted bids of a material amendment and
# return the users to notify.
challenge_amended = Signal()

# Sent inside the submission's transaction with ``bid`` and ``version``. The review
# app precomputes the bid's conflicts of interest here (not at draw time).
bid_submitted = Signal()

# Sent inside the award's transaction with ``project`` when a winning bid's project is
# created. The documents app prepares the contract here.
project_created = Signal()

# Sent inside a horse-race elimination's transaction with ``eliminated`` (the project),
# ``survivors`` (dicts: project, amount, parts, tranches), ``total``, ``reason`` and ``by``.
# The documents app writes each survivor's supplementary agreement (补充协议) here.
continuation_awarded = Signal()

# Sent inside the bureau's approval of a change of an approval kind (PI, lead unit,
# indicators, extension) with ``change`` (its ``before`` filled) and ``by``, after the
# project's data changed. The documents app generates the 补充协议 the three parties sign;
# the last signature calls ``bounty.projects.change_services.change_in_force``.
change_approved = Signal()

# Sent inside the publication of a call's list (bounty.calls.services) with ``call`` and
# ``by``, after its approved needs were published. The documents app generates the call's
# 发榜公告 (the announcement of the whole list) here; the opendata app needs nothing.
call_published = Signal()
