"""The cryptography of sealed bids, with no Django in it.

- Suite ``x25519-hkdf-sha256-aes256gcm``: a bid's random 256-bit data key is wrapped for the
  challenge's X25519 public key (ephemeral key agreement, HKDF-SHA256, AES-256-GCM) and,
  when the team sets one, for a passphrase (scrypt, AES-256-GCM).
- Content is one AES-GCM message; files are streamed in 1 MiB chunks, each its own AES-GCM
  message whose nonce is the chunk counter and a last-chunk flag, under a key derived per
  file: a reordered, dropped, truncated or altered chunk fails to decrypt.
- The challenge's private key is split with Shamir's scheme over GF(256), byte by byte;
  a share is printed with its index, the key's id and a checksum so a typo is found
  before any decryption is tried.
"""

import base64
import hashlib
import hmac
import os
import secrets
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

SUITE = "x25519-hkdf-sha256-aes256gcm"
FILE_MAGIC = b"JBSEAL01"
CHUNK = 1024 * 1024
SHARE_PREFIX = "JBS1"


class SealError(Exception):
    """Decryption failed: wrong key, wrong passphrase, or altered ciphertext."""


class ShareFormatError(ValueError):
    """A typed share is malformed or its checksum does not match (a typo)."""


# --- Keys ------------------------------------------------------------------------------


def raw_public(public_key: X25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def raw_private(private_key: X25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def generate_key_pair() -> tuple[bytes, bytes]:
    """(private, public) raw 32-byte keys."""
    private = X25519PrivateKey.generate()
    return raw_private(private), raw_public(private.public_key())


def public_of(private: bytes) -> bytes:
    return raw_public(X25519PrivateKey.from_private_bytes(private).public_key())


def fingerprint(public: bytes) -> str:
    """SHA-256 of the raw public key, in groups of four hex digits (to read aloud)."""
    digest = hashlib.sha256(public).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def key_id(public: bytes) -> bytes:
    return hashlib.sha256(b"jiebang-key-id" + public).digest()[:4]


def _hkdf(secret: bytes, *, salt: bytes | None, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode())


# --- Wrapping the data key ---------------------------------------------------------------


def wrap_for_public(public: bytes, data_key: bytes, *, context: bytes) -> dict:
    ephemeral = X25519PrivateKey.generate()
    epk = raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    kek = _hkdf(shared, salt=epk + public, info=b"jiebang-seal-v1 wrap " + context)
    nonce = os.urandom(12)
    return {
        "suite": SUITE,
        "epk": _b64(epk),
        "nonce": _b64(nonce),
        "ct": _b64(AESGCM(kek).encrypt(nonce, data_key, context)),
    }


def unwrap_with_private(private: bytes, wrapped: dict, *, context: bytes) -> bytes:
    key = X25519PrivateKey.from_private_bytes(private)
    epk = _unb64(wrapped["epk"])
    public = raw_public(key.public_key())
    shared = key.exchange(X25519PublicKey.from_public_bytes(epk))
    kek = _hkdf(shared, salt=epk + public, info=b"jiebang-seal-v1 wrap " + context)
    try:
        return AESGCM(kek).decrypt(_unb64(wrapped["nonce"]), _unb64(wrapped["ct"]), context)
    except InvalidTag as exc:
        raise SealError("key unwrap failed") from exc


def _scrypt(passphrase: str, salt: bytes, n: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=8, p=1).derive(passphrase.encode())


def wrap_for_passphrase(passphrase: str, data_key: bytes, *, context: bytes, n: int) -> dict:
    salt, nonce = os.urandom(16), os.urandom(12)
    kek = _scrypt(passphrase, salt, n)
    return {
        "kdf": "scrypt",
        "n": n,
        "r": 8,
        "p": 1,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "ct": _b64(AESGCM(kek).encrypt(nonce, data_key, context)),
    }


def unwrap_with_passphrase(passphrase: str, wrapped: dict, *, context: bytes) -> bytes:
    kek = _scrypt(passphrase, _unb64(wrapped["salt"]), int(wrapped["n"]))
    try:
        return AESGCM(kek).decrypt(_unb64(wrapped["nonce"]), _unb64(wrapped["ct"]), context)
    except InvalidTag as exc:
        raise SealError("wrong passphrase") from exc


# --- Content and files -------------------------------------------------------------------


def encrypt_bytes(data_key: bytes, plaintext: bytes, *, context: bytes) -> str:
    key = _hkdf(data_key, salt=None, info=b"jiebang-seal-v1 content")
    nonce = os.urandom(12)
    return _b64(nonce + AESGCM(key).encrypt(nonce, plaintext, context))


def decrypt_bytes(data_key: bytes, sealed: str, *, context: bytes) -> bytes:
    key = _hkdf(data_key, salt=None, info=b"jiebang-seal-v1 content")
    raw = _unb64(sealed)
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], context)
    except InvalidTag as exc:
        raise SealError("content altered or wrong key") from exc


def _chunk_nonce(counter: int, last: bool) -> bytes:
    return struct.pack(">QI", counter, 1 if last else 0)


def encrypt_stream(data_key: bytes, src, dst, *, context: bytes) -> None:
    """Encrypt ``src`` into ``dst`` chunk by chunk (one chunk in memory at a time)."""
    salt = os.urandom(16)
    aead = AESGCM(_hkdf(data_key, salt=salt, info=b"jiebang-seal-v1 file " + context))
    dst.write(FILE_MAGIC + salt)
    counter = 0
    chunk = src.read(CHUNK)
    while True:
        following = src.read(CHUNK) if chunk else b""
        last = not following
        dst.write(aead.encrypt(_chunk_nonce(counter, last), chunk, context))
        if last:
            return
        counter += 1
        chunk = following


def decrypt_stream(data_key: bytes, src, dst, *, context: bytes, algorithm="sha256") -> str:
    """Decrypt ``src`` into ``dst``; return the digest (``algorithm``) of the plaintext.

    Raises SealError when any chunk was altered, reordered or cut off."""
    header = src.read(len(FILE_MAGIC) + 16)
    if len(header) != len(FILE_MAGIC) + 16 or not header.startswith(FILE_MAGIC):
        raise SealError("not a sealed file")
    aead = AESGCM(_hkdf(data_key, salt=header[8:], info=b"jiebang-seal-v1 file " + context))
    digest = hashlib.new(algorithm)
    counter, size = 0, CHUNK + 16
    block = src.read(size)
    while True:
        following = src.read(size)
        last = not following
        try:
            plain = aead.decrypt(_chunk_nonce(counter, last), block, context)
        except InvalidTag as exc:
            raise SealError("file altered, truncated or wrong key") from exc
        digest.update(plain)
        dst.write(plain)
        if last:
            return digest.hexdigest()
        counter += 1
        block = following


# --- Shamir's secret sharing over GF(256) ------------------------------------------------

_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _x
    _LOG[_x] = _i
    _x ^= (_x << 1) ^ (0x11B if _x & 0x80 else 0)  # multiply by 3 (generator) mod AES poly
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


def _mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return _EXP[_LOG[a] + _LOG[b]]


def _div(a: int, b: int) -> int:
    if a == 0:
        return 0
    return _EXP[(_LOG[a] - _LOG[b]) % 255]


def split_secret(secret: bytes, threshold: int, holders: int) -> list[tuple[int, bytes]]:
    """``holders`` shares (x = 1..n), any ``threshold`` of which give back ``secret``."""
    if not 1 <= threshold <= holders <= 255:
        raise ValueError("need 1 <= threshold <= holders <= 255")
    coefficients = [
        [byte, *(secrets.randbelow(256) for _ in range(threshold - 1))] for byte in secret
    ]
    shares = []
    for x in range(1, holders + 1):
        out = bytearray()
        for coeffs in coefficients:
            y = 0
            for c in reversed(coeffs):  # Horner
                y = _mul(y, x) ^ c
            out.append(y)
        shares.append((x, bytes(out)))
    return shares


def combine_shares(shares: list[tuple[int, bytes]]) -> bytes:
    """Lagrange interpolation at 0 of distinct shares of equal length."""
    xs = [x for x, _ in shares]
    if len(set(xs)) != len(xs) or not shares:
        raise ValueError("distinct shares needed")
    length = len(shares[0][1])
    secret = bytearray(length)
    for i, (xi, yi) in enumerate(shares):
        basis = 1
        for j, xj in enumerate(xs):
            if i != j:
                basis = _mul(basis, _div(xj, xj ^ xi))
        for k in range(length):
            secret[k] ^= _mul(yi[k], basis)
    return bytes(secret)


# --- Printable shares --------------------------------------------------------------------


def _share_check(body: bytes) -> bytes:
    return hashlib.sha256(b"jiebang-share" + body).digest()[:3]


def share_encode(x: int, share: bytes, public: bytes) -> str:
    """``JBS1-XXXX-XXXX-…``: base32 of index, key id, share and a 3-byte checksum."""
    body = bytes([x]) + key_id(public) + share
    text = base64.b32encode(body + _share_check(body)).decode().rstrip("=")
    return SHARE_PREFIX + "-" + "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def share_decode(text: str) -> tuple[int, bytes, bytes]:
    """(x, key id, share) from a typed share; ShareFormatError on a typo."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    if not cleaned.startswith(SHARE_PREFIX):
        raise ShareFormatError("prefix")
    cleaned = cleaned[len(SHARE_PREFIX) :]
    cleaned = cleaned.replace("0", "O").replace("1", "I").replace("8", "B")
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError as exc:
        raise ShareFormatError("alphabet") from exc
    body, check = raw[:-3], raw[-3:]
    if len(body) != 1 + 4 + 32 or not hmac.compare_digest(_share_check(body), check):
        raise ShareFormatError("checksum")
    return body[0], body[1:5], body[5:]


def share_digest(share: bytes, public: bytes) -> str:
    """What the database keeps of a share: enough to tell a holder their share is not the
    one issued to them, nothing that helps to rebuild the key."""
    return hashlib.sha256(b"jiebang-share-digest" + public + share).hexdigest()


# --- Pending shares (issued, not yet taken) ----------------------------------------------


def protect_pending(share_text: str, *, secret: bytes, context: bytes) -> str:
    return encrypt_bytes(hashlib.sha256(secret).digest(), share_text.encode(), context=context)


def reveal_pending(sealed: str, *, secret: bytes, context: bytes) -> str:
    return decrypt_bytes(hashlib.sha256(secret).digest(), sealed, context=context).decode()
