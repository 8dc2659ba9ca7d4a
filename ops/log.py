"""Structured logs: a filter that stamps each record with the request it belongs to, and
a formatter writing one JSON object per line (``LOG_FORMAT=json``, the production default)."""

import json
import logging
from datetime import UTC, datetime

from .context import current

REQUEST_FIELDS = ("request_id", "user_id", "method", "path")
EXTRA_FIELDS = ("status", "duration_ms")


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``user_id``, ``method`` and ``path`` of the current request
    (``-``/None outside a request) to every record."""

    def filter(self, record):
        context = current()
        for field in REQUEST_FIELDS:
            if not hasattr(record, field):
                setattr(record, field, context.get(field))
        if record.request_id is None:
            record.request_id = "-"
        return True


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, request_id, user_id, method, path, status,
    duration_ms (those that apply), and the traceback of an exception."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in REQUEST_FIELDS + EXTRA_FIELDS:
            value = getattr(record, field, None)
            if value is not None and value != "-":
                entry[field] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
