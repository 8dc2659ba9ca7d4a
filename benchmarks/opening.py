#!/usr/bin/env python
"""The opening ceremony of sealed bids (开标解密, issue 18): time to open N encrypted bids
whose attachments total S bytes, through the real service (``opening_perform``: rebuild the
key from two shares, unwrap each bid's data key, decrypt the content and every file chunk by
chunk, re-hash against the receipt, restore to the database and media, record).

    .venv/bin/python benchmarks/opening.py              # 200 bids, 2 GB of attachments
    .venv/bin/python benchmarks/opening.py --smoke      # 20 bids, 20 MB (CI)

It builds its own world in a temporary SQLite database and media folder (removed
afterwards; the free disk must hold the attachments twice) through the same services and
test helpers as the suite: a published sealed challenge, its two shares taken, N complete
bids each with one attachment of S/N bytes, submitted (sealed), the deadline passed.
Only the opening is timed. Target: ≤ 60 s for 200 bids and 2 GB.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 60.0


def _args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bids", type=int, default=200)
    parser.add_argument("--total-mb", type=int, default=2048)
    parser.add_argument("--smoke", action="store_true", help="20 bids, 20 MB")
    args = parser.parse_args(argv)
    if args.smoke:
        args.bids, args.total_mb = 20, 20
    return args


def main(argv=None) -> int:
    args = _args(argv)
    work = Path(tempfile.mkdtemp(prefix="jiebang-opening-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = str(work / "media")
    settings.BID_SEALING = True
    settings.BID_SEALING_SHARES = {"threshold": 2, "holders": 2}
    settings.JIEBANG["BID_MAX_TOTAL_BYTES"] = 1 << 40
    settings.UPLOAD_MAX_BYTES = 1 << 40
    try:
        return _run(args, work)
    finally:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


def _run(args, work) -> int:
    from datetime import timedelta

    from django.core.files.uploadedfile import TemporaryUploadedFile
    from django.core.management import call_command
    from django.test import TestCase
    from django.utils import timezone

    from bounty.bids import services as bid_services
    from bounty.models import KeyShare
    from bounty.sealing import services as sealing
    from bounty.sealing.opening import opening_perform
    from tests.bounty.bids.helpers import PDF, complete_bid
    from tests.bounty.helpers import force_deadline, published
    from tests.bounty.sealing.helpers import supervisor
    from tests.factories import bureau_officer

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    officer = bureau_officer()
    challenge = published(officer=officer)
    holders = {1: officer, 2: supervisor()}
    shares = [
        sealing.share_take(share=share, by=holders[share.index])
        for share in KeyShare.objects.filter(key__challenge=challenge).order_by("index")
    ]
    size = max(len(PDF) + 1, args.total_mb * 1024 * 1024 // args.bids)
    block = os.urandom(1024 * 1024)
    for n in range(args.bids):
        bid = complete_bid(challenge, attach=False)
        upload = TemporaryUploadedFile(f"附件-{n}.pdf", "application/pdf", size, None)
        upload.write(PDF)
        left = size - len(PDF)
        while left > 0:
            upload.write(block[: min(left, len(block))])
            left -= len(block)
        upload.seek(0)
        bid_services.attachment_add(bid=bid, by=bid.created_by, upload=upload, kind="plan")
        upload.close()
        with TestCase.captureOnCommitCallbacks(execute=True):
            bid_services.bid_submit(bid=bid, by=bid.created_by, passphrase="bench passphrase")  # noqa: S106
    force_deadline(challenge, timezone.now() - timedelta(minutes=1))
    print(
        f"built {args.bids} sealed bids, {size * args.bids / 1e6:.0f} MB of attachments "
        f"in {time.monotonic() - started:.1f} s"
    )

    started = time.monotonic()
    opening = opening_perform(challenge=challenge, by=officer, shares=shares)
    seconds = time.monotonic() - started
    ok = sum(1 for row in opening.results if row["ok"])
    print(
        f"opened {len(opening.results)} bids ({ok} match their receipts) with "
        f"{size * args.bids / 1e6:.0f} MB of attachments in {seconds:.2f} s "
        f"(target ≤ {TARGET_SECONDS:.0f} s)"
    )
    good = ok == args.bids == len(opening.results)
    return 0 if good and (args.smoke or seconds <= TARGET_SECONDS) else 1


if __name__ == "__main__":
    sys.exit(main())
