from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.exceptions import ActionRefused
from audit.services import audit_record
from common.views import paginate

from . import sessions, twofactor
from .forms import CodeForm, EnrolForm
from .models import LoginOutcome
from .signals import record


def _next(request, fallback="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


def _is_locked(request, user) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, {"username": user.username})


@login_required
def verify(request):
    """Second step of the log-in: a code from the authenticator or a recovery code."""
    user = request.user
    if sessions.is_verified(request):
        return redirect(_next(request))
    if not twofactor.has_second_factor(user):
        return redirect("security:setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            sessions.mark_verified(request, device)
            record(user, LoginOutcome.VERIFIED, request)
            if device.name == twofactor.RECOVERY_DEVICE:
                audit_record(actor=user, action="security.recovery_code_used", obj=user)
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)d left. Set up your "
                        "authenticator again or make new codes on the two-factor page."
                    )
                    % {"left": twofactor.recovery_codes_left(user)},
                )
            return redirect(_next(request))
        # A wrong or reused code counts toward the lock-out like a wrong password.
        record(user, LoginOutcome.FAILED_CODE, request)
        request._security_code_failure = True
        user_login_failed.send(
            sender=__name__, credentials={"username": user.username}, request=request
        )
        if _is_locked(request, user):
            record(user, LoginOutcome.LOCKED_OUT, request)
            logout(request)
            from accounts.views import login_locked_out

            return login_locked_out(request, credentials={"username": user.username})
        form.add_error(
            "code",
            _(
                "This code is wrong or was already used. Wait for the next code in the app "
                "(a code works once), or use a recovery code."
            ),
        )
    return render(
        request,
        "security/verify.html",
        {"form": form, "next": _next(request, ""), "status": 400 if form.errors else 200},
        status=400 if form.errors else 200,
    )


@login_required
def setup(request):
    """Enrol an authenticator app: QR code (made here) + secret, confirmed by a code."""
    user = request.user
    if twofactor.has_second_factor(user) and not sessions.is_verified(request):
        return redirect("security:verify")  # replacing a device needs the current one
    device = twofactor.totp_start(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes, confirmed = twofactor.totp_confirm(
                user=user, device=device, code=form.cleaned_data["code"]
            )
        except ActionRefused as exc:
            form.add_error("code", exc.message)
        else:
            sessions.mark_verified(request, confirmed)
            record(user, LoginOutcome.VERIFIED, request)
            return render(
                request,
                "security/recovery_codes.html",
                {"codes": codes, "next": _next(request, "")},
            )
    return render(
        request,
        "security/setup.html",
        {
            "form": form,
            "qr_svg": twofactor.provisioning_qr_svg(device),
            "secret": twofactor.secret_text(device),
            "next": _next(request, ""),
            "required": twofactor.requires_second_factor(user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def manage(request):
    user = request.user
    return render(
        request,
        "security/manage.html",
        {
            "enabled": twofactor.has_second_factor(user),
            "required": twofactor.requires_second_factor(user),
            "codes_left": twofactor.recovery_codes_left(user),
        },
    )


@require_POST
@login_required
def recovery_codes(request):
    if not sessions.is_verified(request):
        return redirect("security:verify")
    codes = twofactor.recovery_codes_regenerate(user=request.user)
    return render(request, "security/recovery_codes.html", {"codes": codes, "next": ""})


@require_POST
@login_required
def disable(request):
    if not sessions.is_verified(request):
        return redirect("security:verify")
    try:
        twofactor.second_factor_disable(user=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Two-factor log-in is off."))
    return redirect("security:manage")


@login_required
def login_history(request):
    records = request.user.login_records.order_by("-created_at", "-pk")
    return render(request, "security/login_history.html", {"page": paginate(request, records)})
