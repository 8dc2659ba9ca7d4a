from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.views import paginate

from .models import EmailPreference, Notification
from .registry import kinds
from .services import notification_mark_read


@login_required
def inbox(request):
    qs = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    return render(
        request,
        "notifications/inbox.html",
        {"page": paginate(request, qs), "only_unread": bool(request.GET.get("unread"))},
    )


@login_required
def open_notification(request, pk):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(user=request.user, ids=[note.pk])
    if note.url and url_has_allowed_host_and_scheme(note.url, {request.get_host()}):
        return redirect(note.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    notification_mark_read(user=request.user)
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    preference, _created = EmailPreference.objects.get_or_create(user=request.user)
    known = kinds()
    if request.method == "POST":
        wanted = set(request.POST.getlist("email"))
        preference.muted_kinds = [kind for kind, _label in known if kind not in wanted]
        preference.daily_digest = request.POST.get("daily_digest") == "1"
        preference.save(update_fields=["muted_kinds", "daily_digest"])
        messages.success(request, _("Email preferences saved."))
        return redirect("notifications:preferences")
    return render(
        request, "notifications/preferences.html", {"preference": preference, "kinds": known}
    )
