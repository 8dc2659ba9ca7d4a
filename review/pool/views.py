"""The expert pool: the bureau's list, import and export; an expert's page and own profile."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.exceptions import ActionRefused
from audit.services import audit_record
from common.views import paginate
from review.models import Expert
from review.permissions import can_manage_pool
from review.pool.columns import columns_help
from review.pool.exporting import EXPORT_VALUES, csv_lines, xlsx_bytes
from review.pool.forms import (
    ExpertProfileForm,
    ExpertStatusForm,
    PoolImportForm,
    RelationshipFormSet,
)
from review.pool.importing import expert_import
from review.pool.reading import ImportFileError
from review.pool.selectors import (
    expert_pool_list,
    pool_page_rows,
    with_industry_ids,
    with_reviews_this_year,
)
from review.pool.services import expert_profile_update, expert_set_status
from review.ratings.selectors import attach_ratings, expert_ratings_context

PAGE_SIZE = 50
ERRORS_SHOWN = 1000  # the page lists this many; the command prints them all


def _bureau_only(request):
    if not can_manage_pool(request.user):
        raise Http404


def _export_query(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
def pool_list(request):
    """Search, filter and page through the pool; export it; import a file."""
    _bureau_only(request)
    experts, form = expert_pool_list(params=request.GET)
    page = paginate(request, experts, per_page=PAGE_SIZE)
    page.object_list = pool_page_rows(experts, page, form.industries)
    attach_ratings(page.object_list)  # the bureau's ratings and removals (one query)
    return render(
        request,
        "review/pool_list.html",
        {
            "form": form,
            "typed": {name: request.GET.get(name, "") for name in form.fields},
            "filtered": bool(form.filters),
            "page": page,
            "export_query": _export_query(request),
            "import_form": PoolImportForm(),
            "annual_cap": settings.JIEBANG["EXPERT_ANNUAL_CAP"],
        },
    )


def _import_summary(result):
    return (
        _(
            "Import finished: %(created)d experts added, %(updated)d updated, "
            "%(unchanged)d unchanged, %(skipped)d rows skipped."
        )
        % result.counts()
    )


@require_http_methods(["GET", "HEAD", "POST"])
def pool_import(request):
    """The import page (columns explained); on POST import the file synchronously."""
    _bureau_only(request)
    form = PoolImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = expert_import(
                    data=upload.read(),
                    filename=upload.name,
                    by=request.user,
                    valid_rows_only=form.cleaned_data["valid_rows_only"],
                )
            except ImportFileError as exc:
                form.add_error("file", exc.message)
            except ActionRefused as exc:
                messages.error(request, exc.message)
            else:
                if result.imported:
                    messages.success(request, _import_summary(result))
                    if not result.errors:
                        return redirect("review:pool")
                    status = 200  # imported the valid rows: show which were skipped
                else:
                    messages.error(
                        request,
                        _("Nothing was imported: correct the rows listed below and try again."),
                    )
    errors = result.errors if result else []
    return render(
        request,
        "review/pool_import.html",
        {
            "form": form,
            "result": result,
            "errors": errors[:ERRORS_SHOWN],
            "errors_hidden": max(0, len(errors) - ERRORS_SHOWN),
            "columns": columns_help(),
        },
        status=status,
    )


@require_safe
def pool_export(request, fmt):
    """The filtered pool as CSV or XLSX, in the import's format; bureau only."""
    if fmt not in ("csv", "xlsx") or not can_manage_pool(request.user):
        raise Http404
    experts, _form = expert_pool_list(params=request.GET)
    filename = f"experts-{timezone.localdate():%Y%m%d}.{fmt}"
    # Exports leave the system: record who took which slice.
    audit_record(
        actor=request.user,
        action="expert.export",
        payload={"format": fmt, "params": {k: v for k, v in request.GET.items()}},
    )
    rows = with_industry_ids(experts).values_list(*EXPORT_VALUES).iterator(chunk_size=2000)
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        language = translation.get_language()

        def lines():
            # Streamed after the view returns: keep the request's language for labels.
            with translation.override(language):
                yield from csv_lines(rows)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- One expert ---------------------------------------------------------------------------


def _reviews_this_year(expert):
    return with_reviews_this_year(Expert.objects.filter(pk=expert.pk)).values_list(
        "reviews_this_year", flat=True
    )[0]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def expert_detail(request, code):
    """The bureau sees every expert and sets the status; an expert sees their own page."""
    expert = Expert.objects.select_related("user").filter(code=code).first()
    is_bureau = can_manage_pool(request.user)
    if expert is None or not (is_bureau or expert.user_id == request.user.pk):
        raise Http404
    status_form = ExpertStatusForm(initial={"status": expert.status}) if is_bureau else None
    if request.method == "POST":
        if not is_bureau:
            raise Http404
        status_form = ExpertStatusForm(request.POST)
        if status_form.is_valid():
            try:
                expert_set_status(
                    expert=expert, by=request.user, status=status_form.cleaned_data["status"]
                )
            except ActionRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The expert's status was saved."))
            return redirect(expert)
    return render(
        request,
        "review/expert_detail.html",
        {
            "expert": expert,
            "industries": expert.industries.order_by("sort_order", "code"),
            "relationships": expert.relationships.select_related("person").order_by("kind", "pk"),
            "reviews_this_year": _reviews_this_year(expert),
            "annual_cap": settings.JIEBANG["EXPERT_ANNUAL_CAP"],
            "is_bureau": is_bureau,
            "is_own": expert.user_id == request.user.pk,
            "status_form": status_form,
            **(expert_ratings_context(expert) if is_bureau else {}),
        },
        status=400 if status_form is not None and status_form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_profile(request):
    """An expert edits their keywords, contact and declared relationships."""
    expert = Expert.objects.filter(user=request.user).first()
    if expert is None:
        raise Http404
    relationships = expert.relationships.select_related("person").order_by("pk")
    formset_kwargs = {
        "queryset": relationships,
        "prefix": "rel",
        "form_kwargs": {"owner": request.user},
    }
    if request.method == "POST":
        form = ExpertProfileForm(request.POST, instance=expert)
        formset = RelationshipFormSet(request.POST, **formset_kwargs)
        if form.is_valid() and formset.is_valid():
            try:
                expert_profile_update(
                    expert=expert,
                    by=request.user,
                    profile={f: form.cleaned_data[f] for f in form.Meta.fields},
                    relationships=formset.kept(),
                    removed_ids=formset.removed_ids(),
                )
            except ActionRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Your expert profile was saved."))
                return redirect("review:my_profile")
        else:
            messages.error(request, _("Nothing was saved: correct the fields marked below."))
        status = 400
    else:
        form = ExpertProfileForm(instance=expert)
        formset = RelationshipFormSet(**formset_kwargs)
        status = 200
    return render(
        request,
        "review/expert_profile.html",
        {"expert": expert, "form": form, "formset": formset},
        status=status,
    )
