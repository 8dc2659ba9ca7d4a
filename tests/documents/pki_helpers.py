"""Signing a whole contract through the services, and PKCS#12 files made for tests."""

import re
import subprocess
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.utils import timezone

from documents import contracts
from documents.models import Party
from documents.signing import crypto

PASSWORD = "pw-for-tests-1"


def sign_all(contract, officer):
    team = contract.project.bid.created_by
    issuer = contract.project.challenge.created_by
    for party, user in ((Party.TEAM, team), (Party.ISSUER, issuer), (Party.BUREAU, officer)):
        contracts.contract_sign(
            contract=contract, party=party, by=user, method="online", password=PASSWORD
        )
    return team, issuer


def make_pkcs12(passphrase, *, days=365, start=None, org="自有证书有限公司"):
    """A PKCS#12 from a CA of the organisation's own (not the platform's). Returns
    (p12 bytes, leaf cert, own root cert)."""
    now = start or timezone.now()
    ca_key = crypto.new_key()
    ca = crypto.root_certificate(ca_key, crypto.name("Own CA", org), now=now, days=3650)
    key = crypto.new_key()
    cert = crypto.leaf_certificate(
        ca_key=ca_key,
        ca_cert=ca,
        public_key=key.public_key(),
        subject=crypto.name(org, org),
        now=now,
        days=days,
        crl_url="http://ca.example.invalid/crl",
    )
    data = pkcs12.serialize_key_and_certificates(
        b"own", key, cert, [ca], serialization.BestAvailableEncryption(passphrase.encode())
    )
    return data, cert, ca


def expired_pkcs12(passphrase):
    return make_pkcs12(passphrase, days=10, start=timezone.now() - timedelta(days=40))[0]


def pdfsig(path) -> list[dict]:
    """pdfsig's report, one dict per signature: field, type, validation, total."""
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    signatures = []
    for block in re.split(r"^Signature #\d+:$", out.stdout, flags=re.M)[1:]:
        field = re.search(r"Signature Field Name: (.*)", block)
        kind = re.search(r"Signature Type: (.*)", block)
        validation = re.search(r"Signature Validation: (.*)", block)
        signatures.append(
            {
                "field": field.group(1).strip() if field else "",
                "type": kind.group(1).strip() if kind else "",
                "validation": validation.group(1).strip() if validation else "",
                "total": "- Total document signed" in block,
                "text": block,
            }
        )
    return signatures
