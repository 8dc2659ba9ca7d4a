"""Per-request values that every log line of the request carries (a context variable, so
threads and async tasks each see their own)."""

import contextvars

request_context = contextvars.ContextVar("request_context", default=None)


def current():
    return request_context.get() or {}
