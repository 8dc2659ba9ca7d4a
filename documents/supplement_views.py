"""Pages of the 补充协议 (documents/supplement_signing.py): shown and signed on the contract's
page (``documents/_supplements.html``); the signing form posts here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.exceptions import ActionRefused

from . import permissions as perms
from .forms import SupplementSignForm
from .models import Supplement, SupplementSignature
from .supplement_pages import supplements_context
from .supplement_signing import supplement_sign
from .views import _contract_context


def _supplement(request, pk):
    supplement = (
        Supplement.objects.select_related(
            "contract__project__bid__lead", "contract__project__challenge__issuer"
        )
        .filter(pk=pk)
        .first()
    )
    if supplement is None or not perms.can_view_contract(request.user, supplement.contract):
        raise Http404
    return supplement


@login_required
@require_POST
def supplement_sign_view(request, pk):
    supplement = _supplement(request, pk)
    contract = supplement.contract
    form = SupplementSignForm(request.POST, request.FILES, prefix=f"s{supplement.pk}")
    if form.is_valid():
        try:
            supplement_sign(
                supplement=supplement,
                party=request.POST.get("party", ""),
                by=request.user,
                method=form.cleaned_data["method"],
                password=form.cleaned_data["password"],
                scan=form.cleaned_data["scan"],
                passphrase=form.cleaned_data["passphrase"],
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Signed. The signature is recorded in the audit trail."))
            return redirect(contract)
    context = _contract_context(request, contract)
    context["supplements"] = supplements_context(request.user, contract, bound=form)
    return render(request, "documents/contract_detail.html", context, status=400)


@login_required
def supplement_signature_scan(request, pk):
    signature = get_object_or_404(
        SupplementSignature.objects.select_related("supplement__contract__project"), pk=pk
    )
    contract = signature.supplement.contract
    if not signature.scan or not perms.can_view_contract(request.user, contract):
        raise Http404
    return FileResponse(
        signature.scan.open("rb"),
        content_type="application/pdf",
        filename=f"{signature.supplement.series}-{signature.party}.pdf",
    )
