from django.core.paginator import Paginator
from django.http import Http404


def paginate(request, queryset, per_page=20, *, count_queryset=None):
    """Return the requested page; an out-of-range page shows the last one.
    ``count_queryset``: count this instead (the same rows without the joins and
    annotations the page itself needs)."""
    paginator = Paginator(queryset, per_page)
    if count_queryset is not None:
        paginator.count = count_queryset.count()  # overrides the cached property
    return paginator.get_page(request.GET.get("page"))


def get_visible_or_404(queryset, predicate, user, **lookup):
    """Fetch one object and answer 404 — not 403 — when the user may not know it exists."""
    obj = queryset.filter(**lookup).first()
    if obj is None or not predicate(user, obj):
        raise Http404
    return obj
