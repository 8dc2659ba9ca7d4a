from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from audit.services import audit_events_for
from common.views import get_visible_or_404, paginate

from . import permissions as perms
from . import services
from .exceptions import ActionRefused
from .forms import (
    DecisionForm,
    InvitationForm,
    OrganizationDistrictForm,
    OrganizationRegisterForm,
    ProfileForm,
    ResubmitForm,
    SignupForm,
)
from .models import Invitation, Membership, Organization, OrganizationStatus, hash_token


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect(_safe_next(request, reverse("accounts:organization_list")))
    return render(
        request, "accounts/signup.html", {"form": form, "next": request.GET.get("next", "")}
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    memberships = request.user.memberships.select_related("organization").order_by(
        "organization__name"
    )
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})


@require_POST
def set_language(request):
    """Switch language; remember the choice on the account when signed in."""
    code = request.POST.get("language")
    if request.user.is_authenticated and code in dict(
        request.user._meta.get_field("language").choices
    ):
        request.user.language = code
        request.user.save(update_fields=["language"])
    return django_set_language(request)


@login_required
def organization_list(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("organization")
        .order_by("organization__name", "role")
    )
    return render(request, "accounts/organization_list.html", {"memberships": memberships})


@login_required
def organization_register(request):
    allow_bureau = perms.is_bureau_officer(request.user)
    form = OrganizationRegisterForm(
        request.POST or None, request.FILES or None, allow_bureau=allow_bureau
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            org = services.organization_register(by=request.user, **data)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s is registered and waits for the bureau's verification.")
                % {"name": org.name},
            )
            return redirect(org)
    return render(request, "accounts/organization_register.html", {"form": form})


def _organization_context(request, org, **overrides):
    can_manage = perms.can_manage_organization(request.user, org)
    context = {
        "org": org,
        "members": org.memberships.select_related("user").order_by("user__full_name", "role"),
        "can_manage": can_manage,
        "can_invite": perms.can_invite_to_organization(request.user, org),
        "can_decide": perms.can_decide_organization(request.user, org),
        "can_resubmit": perms.can_resubmit_organization(request.user, org),
        "can_view_licence": perms.can_view_licence(request.user, org),
        "invitations": org.invitations.filter(accepted_at__isnull=True).order_by("-created_at")
        if can_manage
        else [],
        "invite_form": InvitationForm(organization=org),
        "decision_form": DecisionForm(),
        "resubmit_form": ResubmitForm(),
        "district_form": OrganizationDistrictForm(instance=org)
        if perms.can_set_organization_district(request.user, org)
        else None,
        "events": audit_events_for(org).order_by("-seq")[:20],
    }
    context.update(overrides)
    return context


def organization_detail(request, pk):
    org = get_visible_or_404(
        Organization.objects.all(), perms.can_view_organization, request.user, pk=pk
    )
    return render(request, "accounts/organization_detail.html", _organization_context(request, org))


def _post_to_org(request, pk):
    if not request.user.is_authenticated:
        raise Http404
    return get_visible_or_404(
        Organization.objects.all(), perms.can_view_organization, request.user, pk=pk
    )


@require_POST
def organization_invite(request, pk):
    org = _post_to_org(request, pk)
    form = InvitationForm(request.POST, organization=org)
    if form.is_valid():
        try:
            services.invitation_create(organization=org, by=request.user, **form.cleaned_data)
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect(org)
    return render(
        request,
        "accounts/organization_detail.html",
        _organization_context(request, org, invite_form=form),
        status=400,
    )


@require_POST
def organization_decide(request, pk):
    org = _post_to_org(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(org)
    decide = (
        services.organization_verify
        if form.cleaned_data["decision"] == "verify"
        else services.organization_reject
    )
    try:
        decide(organization=org, by=request.user, comment=form.cleaned_data["comment"])
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect(org)


@require_POST
def organization_district(request, pk):
    org = _post_to_org(request, pk)
    if not perms.can_set_organization_district(request.user, org):
        raise Http404
    form = OrganizationDistrictForm(request.POST, instance=Organization.objects.get(pk=org.pk))
    if form.is_valid():
        try:
            services.organization_district_set(
                organization=org, district=form.cleaned_data["district"], by=request.user
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The district was saved."))
            return redirect(org)
    return render(
        request,
        "accounts/organization_detail.html",
        _organization_context(request, org, district_form=form),
        status=400,
    )


@require_POST
def organization_resubmit(request, pk):
    org = _post_to_org(request, pk)
    form = ResubmitForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("licence", []):
            messages.error(request, error)
        return redirect(org)
    try:
        services.organization_resubmit(
            organization=org, by=request.user, licence=form.cleaned_data.get("licence")
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Resubmitted for verification."))
    return redirect(org)


def organization_licence(request, pk):
    org = get_visible_or_404(
        Organization.objects.all(), perms.can_view_licence, request.user, pk=pk
    )
    response = FileResponse(
        org.licence.open("rb"), as_attachment=True, filename=org.licence_name or "licence"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def bureau_organization_queue(request):
    if not perms.is_bureau_officer(request.user):
        raise Http404
    status = request.GET.get("status", OrganizationStatus.PENDING)
    qs = Organization.objects.order_by("-created_at")
    if status in OrganizationStatus.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q) | Q(name_en__icontains=q))
    return render(
        request,
        "accounts/bureau_queue.html",
        {
            "page": paginate(request, qs),
            "status": status,
            "q": q,
            "statuses": OrganizationStatus.choices,
        },
    )


def invitation_accept(request, token):
    invitation = get_object_or_404(
        Invitation.objects.select_related("organization", "invited_by"),
        token_hash=hash_token(token),
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("You joined %(organization)s.") % {"organization": membership.organization.name},
            )
            return redirect(membership.organization)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' lock-out answer (``AXES_LOCKOUT_CALLABLE``): the log-in page again, with
    a translated explanation and status 429, instead of a bare 403 page. The form is
    unbound so that showing it does not count as another attempt."""
    from django.conf import settings
    from django.contrib.auth.forms import AuthenticationForm

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    minutes = max(1, round(settings.AXES_COOLOFF_TIME * 60))
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": request.POST.get("next", request.GET.get("next", "")),
            "locked_out": _(
                "Too many failed log-in attempts for this account from your address. "
                "Log-in is blocked for %(minutes)d minutes; try again later or reset your "
                "password."
            )
            % {"minutes": minutes},
        },
        status=429,
    )
