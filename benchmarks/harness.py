"""What every benchmark script shares: the database, a signed-in client, percentiles.
Imported by run.py and the scripts it runs; imports none of them (no circle)."""

import math


def ensure_database(db):
    """Create the PostgreSQL database named in DATABASE_URL when it does not exist."""
    import psycopg
    from psycopg import sql

    params = {
        "dbname": "postgres",
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    with psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v}) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if exists.fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            print(f"Created database {db['NAME']}.")


def percentile(values, fraction):
    """Nearest-rank percentile (p95 of 30 runs is the 29th fastest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def make_client(username):
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))]
    client = Client(HTTP_HOST=hosts[0] if hosts else "localhost")
    if username:
        client.force_login(User.objects.get(username=username))
    return client
