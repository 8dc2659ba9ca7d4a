"""Importing an expert pool: a parsed file applied to the database (``expert_import``).

* Existing expert ids are updated, never duplicated. By default nothing is
  imported when any row fails; ``valid_rows_only`` imports the rest.
* The whole import is one transaction of bulk statements (100,000 rows in tens
  of seconds), audited as one ``expert.import`` event with its counts.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused
from audit.services import audit_record
from review.models import Expert
from review.permissions import can_manage_pool
from review.pool.columns import SCALAR_KEYS
from review.pool.parsing import ExpertRow, ParsedFile, Progress, RowError, parse_pool_file

BATCH = 900  # under SQLite's 999 bound parameters for "IN (…)" look-ups


@dataclass
class ImportResult:
    parsed: ParsedFile
    imported: bool = False
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def errors(self) -> list[RowError]:
        return self.parsed.errors

    @property
    def total(self) -> int:
        return self.parsed.total

    @property
    def skipped(self) -> int:
        return self.parsed.error_rows if self.imported else 0

    def counts(self) -> dict:
        return {
            "rows": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _update_batch_size(fields) -> int:
    limit = connection.features.max_query_params
    return max(1, min(1000, (limit - 1) // (len(fields) + 1))) if limit else 1000


def _bulk_update(experts: list[Expert], fields: list[str]) -> None:
    """``bulk_update`` in effect, as one ``UPDATE … FROM (VALUES …)`` per batch.

    Django's ``bulk_update`` builds a CASE WHEN per object and field: about 1 ms
    per updated expert, so 100 s for 100,000. PostgreSQL and SQLite (3.33+)
    take the whole batch as a table of values instead; other back ends use
    ``bulk_update``.
    """
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite") or (
        vendor == "sqlite" and connection.Database.sqlite_version_info < (3, 33)
    ):
        Expert.objects.bulk_update(experts, fields)
        return
    qn = connection.ops.quote_name
    meta = Expert._meta
    columns = [meta.pk, *(meta.get_field(f) for f in fields)]
    if vendor == "postgresql":
        # Literals in VALUES are untyped: cast them to the columns' types.
        slots = ", ".join(f"CAST(%s AS {c.db_type(connection)})" for c in columns)
    else:
        slots = ", ".join(["%s"] * len(columns))  # SQLite: a CAST would change affinity
    names = ", ".join(qn(c.column) for c in columns)
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    assignments = ", ".join(f"{qn(c.column)} = v.{qn(c.column)}" for c in columns[1:])
    values = ", ".join([f"({slots})"] * len(experts))
    params = [
        c.get_db_prep_save(getattr(expert, c.attname), connection)
        for expert in experts
        for c in columns
    ]
    sql = (
        f"WITH v({names}) AS (VALUES {values}) "  # noqa: S608 (identifiers from the model)
        f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{pk} = v.{pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _save(rows: list[ExpertRow], progress: Progress | None) -> dict:
    """Create or update the experts of ``rows`` in bulk. Caller holds a transaction."""
    link = Expert.industries.through
    existing: dict[str, Expert] = {}
    for chunk in _chunks([r.code for r in rows], BATCH):
        for expert in (
            Expert.objects.select_for_update()
            .filter(code__in=chunk)
            .only("pk", "code", "updated_at", *SCALAR_KEYS)
        ):
            existing[expert.code] = expert
    links = defaultdict(set)
    for chunk in _chunks([e.pk for e in existing.values()], BATCH):
        for expert_id, industry_id in link.objects.filter(expert_id__in=chunk).values_list(
            "expert_id", "industry_id"
        ):
            links[expert_id].add(industry_id)

    now = timezone.now()
    new, changed, relink = [], [], []
    changed_fields = set()
    unchanged = 0
    for row in rows:
        expert = existing.get(row.code)
        if expert is None:
            expert = Expert(code=row.code, **row.fields)
            new.append((expert, row.industry_ids))
            continue
        # An existing expert keeps the values of columns the file does not have
        # (and its status when the cell is empty: "active" is for new experts).
        diff = [k for k, v in row.fields.items() if getattr(expert, k) != v]
        for k in diff:
            setattr(expert, k, row.fields[k])
        changed_fields.update(diff)
        if links[expert.pk] != row.industry_ids:
            relink.append((expert, row.industry_ids))
        if diff or links[expert.pk] != row.industry_ids:
            expert.updated_at = now
            changed.append(expert)
        else:
            unchanged += 1

    steps = len(new) + len(changed)
    done = 0
    for chunk in _chunks(new, 1000):
        Expert.objects.bulk_create([expert for expert, _ids in chunk])
        done += len(chunk)
        if progress:
            progress("save", done, steps)
    if new and any(expert.pk is None for expert, _ids in new):  # backends without RETURNING
        ids = {}
        for chunk in _chunks([e.code for e, _ids in new], BATCH):
            ids.update(Expert.objects.filter(code__in=chunk).values_list("code", "pk"))
        for expert, _ids in new:
            expert.pk = ids[expert.code]
    fields = [*sorted(changed_fields), "updated_at"]
    size = _update_batch_size(fields)
    for chunk in _chunks(changed, size):
        _bulk_update(chunk, fields)
        done += len(chunk)
        if progress:
            progress("save", done, steps)
    for chunk in _chunks([e.pk for e, _ids in relink], BATCH):
        link.objects.filter(expert_id__in=chunk).delete()
    link.objects.bulk_create(
        (
            link(expert_id=expert.pk, industry_id=industry_id)
            for expert, industry_ids in (*new, *relink)
            for industry_id in sorted(industry_ids)
        ),
        batch_size=5000,
    )
    return {"created": len(new), "updated": len(changed), "unchanged": unchanged}


def expert_import(
    *,
    data: bytes,
    by=None,
    filename: str = "",
    valid_rows_only: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate a pool file and import it in one transaction; ``by`` None is the system
    (the management command). Raises ImportFileError for an unreadable file.

    Nothing is written when a row fails, unless ``valid_rows_only``; ``dry_run``
    does all the work and rolls it back (counts are exact, nothing stays).
    """
    if by is not None and not can_manage_pool(by):
        raise ActionRefused()
    parsed = parse_pool_file(data, progress=progress)
    result = ImportResult(parsed=parsed, dry_run=dry_run)
    header_failed = parsed.total == 0 or not parsed.columns
    if header_failed or (parsed.errors and not valid_rows_only) or not parsed.rows:
        return result
    try:
        with transaction.atomic():
            counts = _save(parsed.rows, progress)
            result.created = counts["created"]
            result.updated = counts["updated"]
            result.unchanged = counts["unchanged"]
            result.imported = True
            audit_record(
                actor=by,
                action="expert.import",
                payload={
                    **result.counts(),
                    "valid_rows_only": valid_rows_only,
                    "file": filename[:200],
                    "sha256": hashlib.sha256(data).hexdigest(),
                },
            )
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as exc:
        # Another import created one of these ids between our look-up and insert.
        raise ActionRefused(
            _(
                "Another change to the same experts happened at the same time; nothing was "
                "imported. Import the file again."
            )
        ) from exc
    return result
