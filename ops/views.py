from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from . import health


@csrf_exempt
@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring: 200 when every check passes, else 503, with the
    detail of each check. No login, no session, no cache."""
    ok, checks = health.run_checks()
    return JsonResponse(
        {"status": "ok" if ok else "fail", "time": timezone.now().isoformat(), "checks": checks},
        status=200 if ok else 503,
    )


def server_error(request, template_name="500.html"):
    """``handler500``: the friendly error page, rendered without the database (no context
    processors, no user), with the request id to quote to the operators."""
    try:
        template = loader.get_template(template_name)
        body = template.render({"request_id": getattr(request, "request_id", "")})
    except Exception:
        body = "<h1>Server Error (500)</h1>"
    return HttpResponseServerError(body)
