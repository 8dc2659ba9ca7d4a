"""Create the platform's certificate authority (root CA, document-signing and time-stamping
certificates) when the deployment has none, and print their fingerprints. Idempotent."""

from django.core.management.base import BaseCommand

from documents.signing.authority import pki_init


class Command(BaseCommand):
    help = "Create the platform CA, its signing and TSA certificates (once); print fingerprints."

    def handle(self, *args, **options):
        pki, created = pki_init()
        self.stdout.write("created" if created else "already present")
        for label, row in (("root CA", pki.root), ("signing", pki.signing), ("TSA", pki.tsa)):
            self.stdout.write(
                f"{label}: {row.subject} · SHA-256 {row.fingerprint} · "
                f"valid until {row.not_after:%Y-%m-%d}"
            )
