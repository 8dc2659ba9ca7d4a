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


def second_factor_session(user) -> dict:
    """What a session holds once ``user`` passed the second step of the log-in (officers
    and administrators must): the benchmarks time the pages behind it, as production
    serves them, not the redirect to the two-factor page."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from security.twofactor import requires_second_factor

    if not requires_second_factor(user):
        return {}
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="benchmark", defaults={"confirmed": True}
    )
    return {DEVICE_ID_SESSION_KEY: device.persistent_id, "_sec_verified": True}


_clients = {}


def make_client(username):
    """A signed-in test client, one per user: a staff account keeps one session (a second
    log-in would end the first client's)."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    if username in _clients:
        return _clients[username]
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))]
    client = Client(HTTP_HOST=hosts[0] if hosts else "localhost")
    if username:
        user = User.objects.get(username=username)
        client.force_login(user)
        extra = second_factor_session(user)
        if extra:
            session = client.session
            session.update(extra)
            session.save()
        _clients[username] = client
    return client
