"""The database's clock. Deadlines are decided by it, never by a web host's clock."""

from datetime import UTC, datetime

from django.db import connection


def db_now() -> datetime:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT clock_timestamp()")
            return cursor.fetchone()[0]
        cursor.execute("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")
        return datetime.strptime(cursor.fetchone()[0], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
