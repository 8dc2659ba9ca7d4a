from django.conf import settings


def client_ip(request):
    """The client's address: ``REMOTE_ADDR``, or — behind ``OPS_TRUSTED_PROXY_COUNT``
    proxies — the address the outermost trusted proxy saw (counted from the right of
    X-Forwarded-For, so a client cannot forge it by sending its own header)."""
    proxies = settings.OPS_TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < proxies:
        return remote
    return hops[-proxies]
