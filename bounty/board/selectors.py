"""Scoped reads of challenges: the public board and the bureau's export list.

Every list here costs a constant number of queries whatever the filters:
one for the industries (offered in the filter form), then the caller's
COUNT and page (two of each when sorting by deadline over every status, see
``OpenFirst``). Display status comes from the database clock
(``with_display_status``), so a challenge shows as closed the moment its
deadline passes, whether or not the closing task has run.
"""

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Now

from bounty.board.forms import (
    SORT_AMOUNT_ASC,
    SORT_AMOUNT_DESC,
    SORT_DEADLINE,
    STATUS_CLOSED,
    STATUS_OPEN,
    BoardFilterForm,
    BureauFilterForm,
)
from bounty.models import (
    PUBLIC_CALL_STATUSES,
    Call,
    Challenge,
    ChallengeStatus,
    Indicator,
    Industry,
)

_OPEN = Q(status=ChallengeStatus.PUBLISHED, bid_deadline__gt=Now())
# A public challenge that is not open has its deadline behind it: "published" is
# left for another public state only by close(), which needs the deadline passed,
# and no later state moves the deadline. Saying so lets the deadline index serve
# "closed" instead of reading every public row.
_PUBLIC_NOT_OPEN = Q(bid_deadline__lte=Now())

# What a board card shows. Problem statements and search text are most of a
# row's bytes; loading them for 20 cards cost more than the query itself.
BOARD_FIELDS = (
    "ocid",
    "title",
    "status",
    "bounty_total",
    "bid_deadline",
    "published_at",
    "issuer__name",
    "industry__code",
    "industry__name_zh",
    "industry__name_en",
)


def _industries():
    return list(Industry.objects.order_by("sort_order", "code"))


def _public_calls():
    return list(Call.objects.filter(status__in=PUBLIC_CALL_STATUSES).only("name", "year", "batch"))


def _apply_status(qs, status, *, public_only):
    if status == STATUS_OPEN:
        return qs.open_for_bids()
    if status == STATUS_CLOSED:
        return (qs if public_only else qs.public()).filter(_PUBLIC_NOT_OPEN)
    if status:
        return qs.filter(shown_status=status)
    return qs


class OpenFirst:
    """The challenges still open, soonest deadline first, then the rest, latest deadline first.

    One ordering over ``CASE WHEN deadline > now()`` would sort the whole table on
    every request (no index can hold an expression of the clock); two ordered
    querysets walk the deadline index instead. Offers what Paginator and the
    export use: ``count()``, slicing and ``iterator()``.
    """

    def __init__(self, open_rows, rest):
        self.open, self.rest = open_rows, rest
        self._open_count = None

    def _count_open(self):
        if self._open_count is None:
            self._open_count = self.open.count()
        return self._open_count

    def count(self):
        return self._count_open() + self.rest.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("OpenFirst supports plain slices only.")
        start, stop = key.start or 0, key.stop
        opened = self._count_open()
        rows = []
        if start < opened:
            rows += self.open[start : opened if stop is None else min(stop, opened)]
        if stop is None or stop > opened:
            rows += self.rest[max(start - opened, 0) : None if stop is None else stop - opened]
        return rows

    def __iter__(self):
        return self.iterator()

    def iterator(self, chunk_size=None):
        yield from self.open.iterator(chunk_size=chunk_size)
        yield from self.rest.iterator(chunk_size=chunk_size)


def _order(qs, sort, status, *, public_only):
    """Order rows; the primary key breaks ties so that pages never repeat or skip a row.

    Public challenges always have a bounty, a deadline and a publication time, so
    the board orders plainly and PostgreSQL can walk its indexes (``DESC NULLS
    LAST`` matches no plain b-tree index and forces a full sort). The bureau's
    list holds drafts without them and puts the gaps last.
    """

    def by(name, *, desc=False):
        field = F(name)
        if public_only:
            return field.desc() if desc else field.asc()
        return field.desc(nulls_last=True) if desc else field.asc(nulls_last=True)

    if sort == SORT_AMOUNT_DESC:
        return qs.order_by(by("bounty_total", desc=True), "-pk")
    if sort == SORT_AMOUNT_ASC:
        return qs.order_by(by("bounty_total"), "pk")
    if sort == SORT_DEADLINE:
        soonest, latest = (by("bid_deadline"), "pk"), (by("bid_deadline", desc=True), "-pk")
        # OpenFirst's halves alone when the status filter leaves only one of them.
        if status == STATUS_OPEN:
            return qs.order_by(*soonest)
        if status == STATUS_CLOSED:
            return qs.order_by(*latest)
        # Among drafts and the like, "not open" is not "past the deadline".
        rest = qs.filter(_PUBLIC_NOT_OPEN) if public_only else qs.exclude(_OPEN)
        return OpenFirst(qs.filter(_OPEN).order_by(*soonest), rest.order_by(*latest))
    return qs.order_by(by("published_at", desc=True), "-pk")


def _apply_filters(qs, form, *, public_only):
    data = form.filters
    qs = qs.search(data.get("q", ""))
    if "industry" in data:
        qs = qs.filter(industry=form.industries_by_code[data["industry"]])
    if "call" in data:
        year, batch = data["call"].split("-")
        qs = qs.filter(call__year=int(year), call__batch=int(batch))
    qs = _apply_status(qs, data.get("status", ""), public_only=public_only)
    if "amount_min" in data:
        qs = qs.filter(bounty_total__gte=data["amount_min"])
    if "amount_max" in data:
        qs = qs.filter(bounty_total__lte=data["amount_max"])
    start, end = form.deadline_bounds()
    if start is not None:
        qs = qs.filter(bid_deadline__gte=start)
    if end is not None:
        qs = qs.filter(bid_deadline__lt=end)
    return _order(qs, data.get("sort", ""), data.get("status", ""), public_only=public_only)


def challenge_board(*, params) -> tuple:
    """Public challenges matching the GET ``params``: (rows, validated BoardFilterForm).

    ``rows`` is a QuerySet, or an ``OpenFirst`` for the deadline sort over
    every status; both paginate and iterate.

    Invalid parameters are reported by the form (``form.errors``) and left out;
    the queryset never raises for bad input. Rows carry ``shown_status`` and
    only ``BOARD_FIELDS``: reading another field costs a query per row.
    """
    form = BoardFilterForm(params, industries=_industries(), calls=_public_calls)
    form.is_valid()
    qs = (
        Challenge.objects.public()
        .with_display_status()
        .select_related("industry", "issuer")
        .only(*BOARD_FIELDS)
    )
    return _apply_filters(qs, form, public_only=True), form


def challenge_list_for_bureau(*, params) -> tuple:
    """Every challenge (all statuses) matching ``params``, for the bureau's export.

    Same filters as the board, and ``status`` may be any ChallengeStatus
    (matched against the status shown to users). Rows also carry
    ``indicator_count``. The caller checks ``can_export_challenges``.
    """
    form = BureauFilterForm(params, industries=_industries(), calls=_public_calls)
    form.is_valid()
    indicator_count = (
        Indicator.objects.filter(challenge=OuterRef("pk"))
        .order_by()
        .values("challenge")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        Challenge.objects.with_display_status()
        .select_related("industry", "issuer")
        .annotate(indicator_count=Coalesce(Subquery(indicator_count), 0))
    )
    return _apply_filters(qs, form, public_only=False), form


def visible_projects(user, queryset):
    """The projects of the user's organisations (team or issuer); every one for the bureau —
    the parties of ``permissions.can_view_project``."""
    from accounts.models import OrganizationStatus, Role
    from bounty.permissions import is_bureau_officer

    if is_bureau_officer(user):
        return queryset
    memberships = user.memberships.filter(organization__status=OrganizationStatus.VERIFIED)
    return queryset.filter(
        Q(
            lead__isnull=True,
            bid__lead__in=memberships.filter(role=Role.BIDDER).values("organization"),
        )
        | Q(lead__in=memberships.filter(role=Role.BIDDER).values("organization"))
        | Q(challenge__issuer__in=memberships.filter(role=Role.ISSUER).values("organization"))
    )
