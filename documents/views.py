from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.exceptions import ActionRefused
from common.hashing import file_sha256
from common.views import get_visible_or_404, paginate

from . import contracts, services
from . import permissions as perms
from .forms import ContractTermsForm, SignForm, TemplateForm, VerifyForm
from .models import (
    Contract,
    Document,
    DocumentKind,
    DocumentStatus,
    DocumentTemplate,
    Party,
    Signature,
)
from .previews import sample_for
from .selectors import visible_contracts
from .signing.stamping import current_bytes
from .signing.verification import signatures_check
from .sources import SOURCES, document_ensure
from .supplement_pages import supplements_context

CONTRACT_QS = Contract.objects.select_related(
    "project__bid__lead", "project__challenge__issuer", "project__challenge__industry"
)


def _contract(request, number):
    return get_visible_or_404(CONTRACT_QS, perms.can_view_contract, request.user, number=number)


@login_required
def contract_list(request):
    contracts_qs = visible_contracts(request.user, CONTRACT_QS).order_by("-created_at")
    query = request.GET.get("q", "").strip()
    if query:
        contracts_qs = contracts_qs.filter(
            Q(number__icontains=query)
            | Q(project__challenge__title__icontains=query)
            | Q(project__challenge__ocid__icontains=query)
            | Q(project__bid__lead__name__icontains=query)
        )
    status = request.GET.get("status", "")
    if status:
        contracts_qs = contracts_qs.filter(status=status)
    return render(
        request,
        "documents/contract_list.html",
        {
            "page": paginate(request, contracts_qs),
            "q": query,
            "status": status,
            "statuses": Contract._meta.get_field("status").choices,
        },
    )


def _contract_context(request, contract, *, terms_form=None, sign_form=None):
    documents = list(
        contract.documents.select_related("template")
        .exclude(series__in=contract.supplements.values("series"))  # their own section
        .order_by("kind", "-version")
    )
    current = contract.current_documents(documents)
    signatures = {s.party: s for s in contract.signatures.select_related("signed_by")}
    turn = contracts.next_party(contract, set(signatures))
    parties = perms.party_of(request.user, contract)
    can_manage = perms.can_manage_contract(request.user, contract)
    return {
        "contract": contract,
        "project": contract.project,
        "challenge": contract.project.challenge,
        "current": current,
        "history": [d for d in documents if d not in current],
        "signing": [
            {"party": p, "label": Party(p).label, "signature": signatures.get(p), "turn": p == turn}
            for p in (Party.TEAM, Party.ISSUER, Party.BUREAU)
        ],
        "turn": turn,
        "turn_label": Party(turn).label if turn else "",
        "can_sign_now": turn in parties
        and all(d.is_ready for d in current)
        and any(perms.can_sign(request.user, contract, p) for p in parties),
        "can_manage": can_manage,
        "terms_form": terms_form or (ContractTermsForm(instance=contract) if can_manage else None),
        "sign_form": sign_form or SignForm(),
        "pending": any(
            d.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING) for d in current
        ),
        "tranches": contract.project.tranches.all(),
        "supplements": supplements_context(request.user, contract),
    }


@login_required
def contract_detail(request, number):
    contract = _contract(request, number)
    return render(request, "documents/contract_detail.html", _contract_context(request, contract))


@login_required
@require_POST
def contract_terms(request, number):
    contract = _contract(request, number)
    form = ContractTermsForm(request.POST, instance=Contract.objects.get(pk=contract.pk))
    if form.is_valid():
        try:
            contracts.contract_update_terms(
                contract=contract, by=request.user, **{f: form.cleaned_data[f] for f in form.fields}
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Terms saved; both documents are being generated again."))
            return redirect(contract)
    return render(
        request,
        "documents/contract_detail.html",
        _contract_context(request, contract, terms_form=form),
        status=400,
    )


@login_required
@require_POST
def contract_regenerate(request, number):
    contract = _contract(request, number)
    try:
        contracts.contract_regenerate(contract=contract, by=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Both documents are being generated again."))
    return redirect(contract)


@login_required
@require_POST
def contract_sign(request, number):
    contract = _contract(request, number)
    form = SignForm(request.POST, request.FILES)
    party = request.POST.get("party", "")
    if form.is_valid():
        try:
            contracts.contract_sign(
                contract=contract,
                party=party,
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
    return render(
        request,
        "documents/contract_detail.html",
        _contract_context(request, contract, sign_form=form),
        status=400,
    )


def _pdf_response(document, *, inline=True):
    """The document as its holders have it: the newest signed revision once a party has
    signed, else the PDF as generated."""
    signed = document.signed_revisions.order_by("-revision").first()
    stored = signed if signed is not None else document
    response = FileResponse(
        stored.file.open("rb"),
        content_type="application/pdf",
        as_attachment=not inline,
        filename=f"{document.number}.pdf",
    )
    response["X-Content-SHA256"] = stored.sha256
    return response


def _document(request, number):
    return get_visible_or_404(
        Document.objects.select_related("subject_type"),
        perms.can_view_document,
        request.user,
        number=number,
    )


def document_download(request, number):
    document = _document(request, number)
    if document.status not in (DocumentStatus.READY, DocumentStatus.SUPERSEDED):
        return render(request, "documents/document_status.html", {"document": document})
    return _pdf_response(document, inline=request.GET.get("download") is None)


@login_required
@require_POST
def document_retry(request, number):
    document = _document(request, number)
    try:
        services.document_retry(document=document, by=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The document is queued again."))
    return redirect(request.POST.get("next") or document.get_absolute_url())


def document_of(request, kind, pk):
    """The current PDF of a receipt / panel report / notice, generated on first request."""
    if kind not in SOURCES:
        raise Http404
    model, _build = SOURCES[kind]
    subject = model.objects.filter(pk=pk).first()
    reader = perms.READERS.get(kind)
    if subject is None or reader is None or not reader(request.user, subject):
        raise Http404
    document = document_ensure(
        kind=kind, subject_id=pk, by=request.user if request.user.is_authenticated else None
    )
    if document is None:
        raise Http404
    document.refresh_from_db()
    if document.status != DocumentStatus.READY:
        return render(request, "documents/document_status.html", {"document": document})
    return _pdf_response(document, inline=request.GET.get("download") is None)


@login_required
def signature_scan(request, pk):
    signature = get_object_or_404(Signature.objects.select_related("contract"), pk=pk)
    if not signature.scan or not perms.can_view_contract(request.user, signature.contract):
        raise Http404
    return FileResponse(
        signature.scan.open("rb"),
        content_type="application/pdf",
        filename=f"{signature.contract.number}-{signature.party}.pdf",
    )


# --- Public verification ---------------------------------------------------------------


def verify(request, number=None):
    """The hash (was this file issued here, is it current) and, for a PDF, its digital
    signatures checked against the platform CA. Following a QR code shows the signatures
    of the stored copy."""
    claimed = Document.objects.filter(number=number).first() if number else None
    if number and claimed is None:
        raise Http404
    result = None
    form = VerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        sha256 = file_sha256(upload) if upload else form.cleaned_data["sha256"]
        result = services.verify_hash(sha256)
        result["sha256"] = sha256
        if upload is not None:
            upload.seek(0)
            result["signatures"] = signatures_check(upload.read())
        if claimed is not None and result.get("document") is not None:
            result["matches_claim"] = result["document"].pk == claimed.pk
        elif claimed is not None:
            result["matches_claim"] = False
    stored = None
    if claimed is not None and claimed.status in (DocumentStatus.READY, DocumentStatus.SUPERSEDED):
        stored = signatures_check(current_bytes(claimed))
    return render(
        request,
        "documents/verify.html",
        {"form": form, "result": result, "claimed": claimed, "stored": stored},
    )


# --- Templates (bureau) ------------------------------------------------------------------


def _require_template_manager(request):
    if not perms.can_manage_templates(request.user):
        raise Http404


@login_required
def template_list(request):
    _require_template_manager(request)
    templates = DocumentTemplate.objects.select_related("created_by", "published_by")
    kinds = [
        {"kind": kind, "label": label, "versions": [t for t in templates if t.kind == kind]}
        for kind, label in DocumentKind.choices
    ]
    return render(request, "documents/template_list.html", {"kinds": kinds})


@login_required
@require_POST
def template_new(request, kind):
    _require_template_manager(request)
    if kind not in DocumentKind.values:
        raise Http404
    template = services.template_new_version(kind=kind, by=request.user)
    return redirect("documents:template_edit", pk=template.pk)


@login_required
def template_edit(request, pk):
    _require_template_manager(request)
    template = get_object_or_404(DocumentTemplate, pk=pk)
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and not template.is_published and form.is_valid():
        try:
            services.template_update(
                template=template,
                by=request.user,
                body=form.cleaned_data["body"],
                css=form.cleaned_data["css"],
                note=form.cleaned_data["note"],
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Template saved. Preview it, then publish it."))
            return redirect("documents:template_edit", pk=template.pk)
    if template.is_published:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "documents/template_form.html",
        {"template": template, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def template_preview(request, pk):
    _require_template_manager(request)
    template = get_object_or_404(DocumentTemplate, pk=pk)
    try:
        pdf = services.template_preview(template, sample_for(template.kind))
    except Exception as exc:  # a broken draft: say why instead of a 500
        return render(
            request,
            "documents/template_form.html",
            {
                "template": template,
                "form": TemplateForm(instance=template),
                "preview_error": f"{type(exc).__name__}: {exc}",
            },
            status=400,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="preview-{template.kind}-v{template.version}.pdf"'
    )
    return response


@login_required
@require_POST
def template_publish(request, pk):
    _require_template_manager(request)
    template = get_object_or_404(DocumentTemplate, pk=pk)
    try:
        services.template_publish(template=template, by=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Version %(version)s is published; new documents use it.")
            % {"version": template.version},
        )
    return redirect("documents:template_edit", pk=template.pk)
