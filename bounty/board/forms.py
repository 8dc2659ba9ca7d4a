"""GET-parameter forms of the public board and the bureau's export.

A bad parameter never breaks the page: the form reports it and the selector
ignores that one filter (``cleaned_data`` keeps only what is valid).
"""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bounty.models import ChallengeStatus

# Board statuses: "open" accepts bids now (database clock); "closed" is every
# public challenge that does not: past its deadline, or in a later stage.
STATUS_OPEN = "open"
STATUS_CLOSED = "closed"
BOARD_STATUS_CHOICES = [
    ("", _("Any status")),
    (STATUS_OPEN, _("Open for bids")),
    (STATUS_CLOSED, _("Closed for bids")),
]

SORT_NEWEST = "newest"
SORT_DEADLINE = "deadline"
SORT_AMOUNT_DESC = "amount_desc"
SORT_AMOUNT_ASC = "amount_asc"
SORT_CHOICES = [
    (SORT_NEWEST, _("Newest first")),
    (SORT_DEADLINE, _("Deadline: soonest first")),
    (SORT_AMOUNT_DESC, _("Bounty: highest first")),
    (SORT_AMOUNT_ASC, _("Bounty: lowest first")),
]

MAX_AMOUNT = 10**10  # the column holds 12 digits, 2 after the point


def _amount_field(label):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT - 1,
        max_digits=12,
        decimal_places=2,
    )


def _date_field(label):
    return forms.DateField(label=label, required=False)


def local_day_start(day):
    """The first instant of ``day`` in the current time zone (Asia/Shanghai by default)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class BoardFilterForm(forms.Form):
    """Search, filters and sort of the public board. Pass the industries to offer.

    Validation only: templates/bounty/board.html writes the controls itself
    (Django's widget templates cost a third of the page's time budget).
    """

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    call = forms.ChoiceField(label=_("Call"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=BOARD_STATUS_CHOICES)
    amount_min = _amount_field(_("Bounty from (10k yuan)"))
    amount_max = _amount_field(_("Bounty up to (10k yuan)"))
    deadline_from = _date_field(_("Deadline from"))
    deadline_to = _date_field(_("Deadline until"))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    def __init__(self, data=None, *, industries=(), calls=list):
        super().__init__(data)
        self.industries_by_code = {i.code: i for i in industries}
        self.fields["industry"].choices = [("", _("All industries"))] + [
            (i.code, i.name) for i in industries if i.is_active
        ]
        # A call by its code, "2026-1" (year-batch): stable across databases. ``calls`` is
        # a callable: its query runs only when the select is rendered or a call is asked
        # for (the API's board never renders it).
        self._calls, self._call_choices = calls, None
        self.fields["call"].choices = lambda: self.call_choices

    @property
    def call_choices(self):
        """The call select's choices, read once per form."""
        if self._call_choices is None:
            self._call_choices = [("", _("All calls"))] + [(c.code, c.name) for c in self._calls()]
        return self._call_choices

    def clean(self):
        data = super().clean()
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", _("The maximum bounty is below the minimum."))
        start, end = data.get("deadline_from"), data.get("deadline_to")
        if start and end and start > end:
            self.add_error("deadline_to", _("The end of the deadline range is before its start."))
        return data

    @property
    def filters(self) -> dict:
        """The valid, non-empty filters (call after ``is_valid()``)."""
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v not in (None, "")}

    def deadline_bounds(self):
        """(from, until) as aware datetimes: whole local days, the end day included."""
        data = self.filters
        start = local_day_start(data["deadline_from"]) if "deadline_from" in data else None
        end = (
            local_day_start(data["deadline_to"] + timedelta(days=1))
            if "deadline_to" in data
            else None
        )
        return start, end


class BureauFilterForm(BoardFilterForm):
    """The board's filters over every status, for the bureau's export."""

    def __init__(self, data=None, *, industries=(), calls=list):
        super().__init__(data, industries=industries, calls=calls)
        self.fields["industry"].choices = [("", _("All industries"))] + [
            (i.code, i.name) for i in industries
        ]
        # "published" is "open" and "closed" keeps the board's meaning, so a link
        # from the board exports what the board shows.
        self.fields["status"].choices = [
            ("", _("All statuses")),
            *BOARD_STATUS_CHOICES[1:],
            *(
                (value, label)
                for value, label in ChallengeStatus.choices
                if value not in (ChallengeStatus.PUBLISHED, ChallengeStatus.CLOSED)
            ),
        ]
