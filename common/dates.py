"""Calendar arithmetic shared by contracts, notices, projects and due-process windows."""

import calendar
from datetime import date, datetime, time, timedelta

from django.utils import timezone


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_workday(day: date) -> bool:
    """A Chinese working day: holidays skipped, make-up working days (调休) counted
    (chinesecalendar). Beyond the package's calendar data: Monday to Friday."""
    try:
        import chinese_calendar

        return chinese_calendar.is_workday(day)
    except (ImportError, NotImplementedError):
        return day.weekday() < 5


def days_after(start: date, days: int, *, working: bool) -> date:
    """The ``days``-th day after ``start`` (working days only when ``working``)."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if not working or is_workday(day):
            counted += 1
    return day


def window_end(start: datetime, days: int, *, working: bool = True) -> datetime:
    """The moment a window of ``days`` (working) days opened at ``start`` closes: midnight
    after its last day, local time. A deadline is stored as this moment and compared with
    the database clock, so it holds whether or not a scheduled task ran."""
    last = days_after(timezone.localtime(start).date(), days, working=working)
    return timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
