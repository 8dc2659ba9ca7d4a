"""The platform CA's public files (root certificate, revocation list), the bureau's list of
certificates (revoke, issue again) and an organisation's upload of its own PKCS#12."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.exceptions import ActionRefused
from accounts.models import Organization, OrganizationStatus
from accounts.permissions import can_manage_organization, is_bureau_officer
from common.views import paginate

from . import authority, crypto
from .forms import Pkcs12UploadForm, RevokeForm
from .models import Certificate, CertificateRole


def pki_crl(request):
    response = HttpResponse(authority.crl_der(), content_type="application/pkix-crl")
    response["Content-Disposition"] = 'attachment; filename="jiebang-ca.crl"'
    response["Cache-Control"] = "public, max-age=600"
    return response


def pki_ca(request):
    pki = authority.platform_pki()
    response = HttpResponse(crypto.cert_der(pki.root_cert), content_type="application/pkix-cert")
    response["Content-Disposition"] = 'attachment; filename="jiebang-root-ca.cer"'
    return response


@login_required
def certificate_list(request):
    if not is_bureau_officer(request.user):
        raise Http404
    certificates = Certificate.objects.select_related("organization").defer(
        "der", "key_pem", "pkcs12"
    )
    return render(
        request,
        "documents/pki/certificate_list.html",
        {
            "pki": authority.platform_pki(),
            "page": paginate(request, certificates),
            "revoke_form": RevokeForm(),
        },
    )


@login_required
@require_POST
def certificate_revoke(request, pk):
    if not is_bureau_officer(request.user):
        raise Http404
    certificate = get_object_or_404(Certificate, pk=pk, role=CertificateRole.ORGANIZATION)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the revocation."))
        return redirect("documents:pki_certificates")
    try:
        authority.certificate_revoke(
            certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The certificate is revoked and listed in the revocation list.")
        )
    return redirect("documents:pki_certificates")


@login_required
@require_POST
def certificate_reissue(request, org_pk):
    if not is_bureau_officer(request.user):
        raise Http404
    organization = get_object_or_404(Organization, pk=org_pk)
    try:
        authority.certificate_reissue(organization=organization, by=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A new certificate was issued."))
    return redirect("documents:pki_certificates")


def _managed_organizations(user):
    candidates = Organization.objects.filter(
        memberships__user=user, status=OrganizationStatus.VERIFIED
    ).distinct()
    return Organization.objects.filter(
        pk__in=[o.pk for o in candidates if can_manage_organization(user, o)]
    )


@login_required
def certificate_upload(request):
    organizations = _managed_organizations(request.user)
    if not organizations.exists():
        raise Http404
    form = Pkcs12UploadForm(
        request.POST or None, request.FILES or None, organizations=organizations
    )
    if request.method == "POST" and form.is_valid():
        try:
            certificate = authority.organization_pkcs12_upload(
                organization=form.cleaned_data["organization"],
                by=request.user,
                data=form.cleaned_data["file"].read(),
                passphrase=form.cleaned_data["passphrase"],
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Certificate %(subject)s registered; your organisation signs with it from now on."
                )
                % {"subject": certificate.subject},
            )
            return redirect("documents:pki_upload")
    current = (
        Certificate.objects.filter(organization__in=organizations)
        .select_related("organization")
        .defer("der", "key_pem", "pkcs12")
    )
    return render(
        request,
        "documents/pki/upload.html",
        {"form": form, "certificates": current},
        status=400 if request.method == "POST" else 200,
    )
