"""The bureau's record of collective decisions: list, record, one meeting with the decisions
that cite it, the minutes scan. Bureau officers and supervisors read them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused
from accounts.permissions import is_bureau_officer
from bounty.meetings.models import DecisionMeeting
from bounty.meetings.services import meeting_record
from bounty.permissions import can_read_meetings
from common.views import get_visible_or_404, paginate


@login_required
def meeting_list(request):
    if not can_read_meetings(request.user):
        raise Http404
    qs = DecisionMeeting.objects.annotate(cited=Count("citations")).order_by("-held_on", "-pk")
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(Q(body__icontains=query) | Q(resolution__icontains=query))
    return render(
        request,
        "bounty/meetings/list.html",
        {"page": paginate(request, qs), "q": query, "can_record": is_bureau_officer(request.user)},
    )


@login_required
def meeting_new(request):
    if not is_bureau_officer(request.user):
        raise Http404
    if request.method == "POST":
        post = request.POST
        try:
            try:
                held_on = parse_date(post.get("held_on", ""))
            except ValueError:
                held_on = None
            meeting = meeting_record(
                by=request.user,
                body=post.get("body", ""),
                held_on=held_on,
                attendees=post.get("attendees", ""),
                resolution=post.get("resolution", ""),
                minutes=request.FILES.get("minutes"),
            )
        except ActionRefused as exc:
            return render(
                request,
                "bounty/meetings/new.html",
                {"typed": post, "error": exc.message},
                status=400,
            )
        messages.success(request, _("Collective decision recorded."))
        nxt = post.get("next", "")
        return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else meeting)
    return render(
        request, "bounty/meetings/new.html", {"typed": {"next": request.GET.get("next", "")}}
    )


@login_required
def meeting_detail(request, pk):
    meeting = get_visible_or_404(
        DecisionMeeting.objects.all(), can_read_meetings, request.user, pk=pk
    )
    return render(
        request,
        "bounty/meetings/detail.html",
        {"meeting": meeting, "citations": meeting.citations.select_related("cited_by")},
    )


@login_required
def meeting_minutes(request, pk):
    meeting = get_visible_or_404(
        DecisionMeeting.objects.all(), can_read_meetings, request.user, pk=pk
    )
    return FileResponse(
        meeting.minutes.open("rb"), as_attachment=True, filename=meeting.minutes_name
    )
