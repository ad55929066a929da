"""Ed25519 signatures for exported notification files (JSON, CSV): keys, signing, verification.

Detached signatures: ``FILE.sig`` beside ``FILE`` signs its exact bytes, so the export stays byte-for-byte what
a spreadsheet or parser reads (GC III Art. 122(8): the bureau's written communications are authenticated)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..domain.errors import Conflict, NotFound, SignatureInvalid, ValidationFailed

SIGNATURE_SUFFIX = ".sig"
FORMAT = "powbureau-signature/1"


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """``ed25519:`` + the first 16 hex digits of SHA-256 over the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


def _inside_repository(path: Path) -> Path | None:
    for parent in path.resolve().parents:
        if (parent / ".git").exists():
            return parent
    return None


def generate_keypair(
    private_path: Path | str,
    public_path: Path | str | None = None,
    *,
    passphrase: bytes | None = None,
    allow_in_repository: bool = False,
) -> tuple[Path, Path]:
    """Write a new Ed25519 key pair: the private key as PKCS#8 PEM (mode 0600, encrypted when ``passphrase`` is
    given) and the public key as SubjectPublicKeyInfo PEM (default: ``private_path`` + ``.pub``).

    Refuses with ``Conflict`` when either file exists (a key is never overwritten) and with ``ValidationFailed``
    when the private key would land inside a git working tree (keys never go in a repository)."""
    priv = Path(private_path)
    pub = Path(public_path) if public_path else priv.with_name(priv.name + ".pub")
    for path in (priv, pub):
        if path.exists():
            raise Conflict(f"{path} exists; a key is never overwritten — choose another path or move it away")
    repo = _inside_repository(priv)
    if repo is not None and not allow_in_repository:
        raise ValidationFailed(f"{priv} is inside the git repository {repo}; keep signing keys outside any repository")
    key = Ed25519PrivateKey.generate()
    encryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    priv.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(priv, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    pub.parent.mkdir(parents=True, exist_ok=True)
    pub.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return priv, pub


def load_private_key(path: Path | str, passphrase: bytes | None = None) -> Ed25519PrivateKey:
    """The Ed25519 private key in PEM file ``path``. Raises ``NotFound`` or ``ValidationFailed`` (wrong
    passphrase, not PEM, not Ed25519)."""
    data = _read(Path(path), "private key")
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(f"{path}: cannot load the private key ({exc}); check the file and passphrase") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ValidationFailed(f"{path} holds a {type(key).__name__}, not an Ed25519 private key")
    return key


def load_public_key(path: Path | str) -> Ed25519PublicKey:
    """The Ed25519 public key in PEM file ``path``. Raises ``NotFound`` or ``ValidationFailed``."""
    data = _read(Path(path), "public key")
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise ValidationFailed(f"{path}: not a PEM public key ({exc})") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValidationFailed(f"{path} holds a {type(key).__name__}, not an Ed25519 public key")
    return key


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise NotFound(f"{what} file {path} does not exist") from exc


def signature_path(path: Path | str) -> Path:
    """Where the detached signature of ``path`` lives: ``path`` + ``.sig``."""
    p = Path(path)
    return p.with_name(p.name + SIGNATURE_SUFFIX)


def sign_file(path: Path | str, private_key: Ed25519PrivateKey, *, signer: str = "") -> Path:
    """Sign the exact bytes of ``path``; write and return the detached signature ``path.sig``, a small JSON
    document: format, file name, size, SHA-256, key fingerprint, signer, signed_at (UTC) and the base64
    signature. Only the signature itself is checked on verification; the rest helps a human. Overwrites an
    older signature of the same file. Raises ``NotFound``."""
    p = Path(path)
    data = _read(p, "file to sign")
    doc = {
        "format": FORMAT,
        "algorithm": "Ed25519",
        "file": p.name,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "key": fingerprint(private_key.public_key()),
        "signer": signer,
        "signed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "signature": base64.b64encode(private_key.sign(data)).decode("ascii"),
    }
    out = signature_path(p)
    out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def verify_file(
    path: Path | str, public_key: Ed25519PublicKey | Path | str, *, signature: Path | str | None = None
) -> None:
    """Check that ``path`` is exactly the file signed with the key ``public_key`` (a key or a PEM file path).

    ``signature`` defaults to ``path.sig``. Returns None when it verifies; raises ``NotFound`` when the file or
    its signature is missing and ``SignatureInvalid`` — saying whether the file changed or another key signed
    it — otherwise."""
    p = Path(path)
    key = public_key if isinstance(public_key, Ed25519PublicKey) else load_public_key(public_key)
    data = _read(p, "signed file")
    sig_path = Path(signature) if signature else signature_path(p)
    raw = _read(sig_path, "signature")
    try:
        doc = json.loads(raw.decode("utf-8"))
        sig = base64.b64decode(doc["signature"], validate=True)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise SignatureInvalid(f"{sig_path} is not a {FORMAT} signature file ({exc})") from exc
    try:
        key.verify(sig, data)
    except InvalidSignature:
        if doc.get("key") not in (None, fingerprint(key)):
            raise SignatureInvalid(
                f"{p}: signed with key {doc.get('key')}, not with {fingerprint(key)}; use the signer's public key"
            ) from None
        if doc.get("sha256") not in (None, hashlib.sha256(data).hexdigest()):
            raise SignatureInvalid(
                f"{p} was changed after it was signed (SHA-256 differs from the signed one); do not trust it"
            ) from None
        raise SignatureInvalid(f"{p}: the signature in {sig_path} does not verify; do not trust the file") from None
