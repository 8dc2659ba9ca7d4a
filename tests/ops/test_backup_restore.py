"""scripts/backup and scripts/restore on PostgreSQL: the rows and the media files come back
in a scratch database and directory; a damaged backup and a non-empty target are refused."""

import hashlib
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from accounts.models import Organization
from tests.factories import OrganizationFactory, UserFactory

ROOT = Path(settings.BASE_DIR)

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'")
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _url(name):
    s = connection.settings_dict
    auth = s["USER"] or "postgres"
    if s["PASSWORD"]:
        auth += f":{s['PASSWORD']}"
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _run(*args):
    return subprocess.run(
        [str(ROOT / "scripts" / args[0]), *args[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def scratch():
    name = f"jb_restore_{uuid.uuid4().hex[:10]}"
    yield name
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@postgresql_only
@transactional
def test_backup_then_restore_into_a_scratch_database(tmp_path, scratch):
    user = UserFactory(username="backup-check")
    org = OrganizationFactory(name="备份测试单位", verified=True)
    org.licence.save("licence.pdf", ContentFile(b"%PDF-1.4 licence " + b"x" * 5000), save=True)
    media = Path(settings.MEDIA_ROOT)
    (media / "bids").mkdir(parents=True, exist_ok=True)
    (media / "bids" / "投标附件.pdf").write_bytes(b"%PDF-1.4 attachment")
    originals = {p.relative_to(media): _sha(p) for p in media.rglob("*") if p.is_file()}
    assert len(originals) == 2

    made = _run(
        "backup",
        "--database-url",
        _url(connection.settings_dict["NAME"]),
        "--media",
        str(media),
        "--out",
        str(tmp_path / "backups"),
    )
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    assert backup.parent == tmp_path / "backups"
    assert backup.name.startswith("jiebang-")
    assert sorted(p.name for p in backup.iterdir()) == [
        "INFO",
        "MANIFEST",
        "db.dump",
        "media.tar.gz",
    ]
    manifest = (backup / "MANIFEST").read_text().splitlines()
    assert f"{_sha(backup / 'db.dump')}  db.dump" in manifest
    assert f"{_sha(backup / 'media.tar.gz')}  media.tar.gz" in manifest

    restored_media = tmp_path / "restored-media"
    done = _run(
        "restore",
        str(backup),
        "--database",
        scratch,
        "--database-url",
        _url("postgres"),
        "--media",
        str(restored_media),
    )
    assert done.returncode == 0, done.stderr

    with psycopg.connect(_url(scratch)) as db:
        row = db.execute(
            "SELECT email FROM accounts_user WHERE username = %s", ["backup-check"]
        ).fetchone()
        assert row == (user.email,)
        org_row = db.execute(
            "SELECT name, licence FROM accounts_organization WHERE id = %s", [org.pk]
        ).fetchone()
        assert org_row == ("备份测试单位", org.licence.name)
        assert db.execute("SELECT count(*) FROM accounts_organization").fetchone()[0] == (
            Organization.objects.count()
        )
        # the schema came too: every migration is recorded
        assert (
            db.execute("SELECT count(*) FROM django_migrations WHERE app = 'ops'").fetchone()[0]
            == 2
        )
    restored = {
        p.relative_to(restored_media): _sha(p) for p in restored_media.rglob("*") if p.is_file()
    }
    assert restored == originals

    # A second restore over the now non-empty database is refused without --force …
    again = _run(
        "restore",
        str(backup),
        "--database",
        scratch,
        "--database-url",
        _url("postgres"),
        "--media",
        str(tmp_path / "other-media"),
    )
    assert again.returncode == 1
    assert "not empty" in again.stderr
    assert "add --force" in again.stderr
    # … and replaces it with --force (a row added meanwhile is gone).
    with psycopg.connect(_url(scratch), autocommit=True) as db:
        db.execute(
            "UPDATE accounts_user SET email = 'changed@example.cn' WHERE username = 'backup-check'"
        )
    forced = _run(
        "restore",
        str(backup),
        "--database",
        scratch,
        "--database-url",
        _url("postgres"),
        "--media",
        str(restored_media),
        "--force",
    )
    assert forced.returncode == 0, forced.stderr
    with psycopg.connect(_url(scratch)) as db:
        assert db.execute(
            "SELECT email FROM accounts_user WHERE username = 'backup-check'"
        ).fetchone() == (user.email,)
    assert list(tmp_path.glob("restored-media.before-restore-*"))  # old files kept aside


@postgresql_only
@transactional
def test_damaged_backup_is_refused(tmp_path, scratch):
    UserFactory()
    made = _run(
        "backup",
        "--database-url",
        _url(connection.settings_dict["NAME"]),
        "--media",
        str(tmp_path / "no-media"),
        "--out",
        str(tmp_path),
    )
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    dump = backup / "db.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    result = _run(
        "restore",
        str(backup),
        "--database",
        scratch,
        "--database-url",
        _url("postgres"),
        "--media",
        str(tmp_path / "m"),
    )
    assert result.returncode == 1
    assert "damaged" in result.stderr
    with psycopg.connect(_url("postgres")) as admin:
        assert (
            admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch]).fetchone()
            is None
        )


def test_restore_refuses_an_odd_database_name(tmp_path):
    result = _run(
        "restore",
        str(tmp_path),
        "--database",
        "x; DROP",
        "--database-url",
        "postgres://postgres@127.0.0.1:5432/postgres",
    )
    assert result.returncode == 2
    assert "database name must be" in result.stderr


def test_backup_refuses_sqlite(tmp_path):
    result = _run(
        "backup",
        "--database-url",
        "sqlite:////tmp/x.sqlite3",
        "--media",
        str(tmp_path),
        "--out",
        str(tmp_path),
    )
    assert result.returncode == 2
    assert "only PostgreSQL" in result.stderr
