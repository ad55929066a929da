"""Ed25519 detached signatures of exported notification files: keys, signing, tamper detection."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from powbureau.domain.errors import Conflict, NotFound, SignatureInvalid, ValidationFailed
from powbureau.io.signing import (
    fingerprint,
    generate_keypair,
    load_private_key,
    load_public_key,
    sign_file,
    signature_path,
    verify_file,
)


@pytest.fixture()
def keys(tmp_path: Path) -> tuple[Path, Path]:
    return generate_keypair(tmp_path / "keys" / "bureau.pem")


@pytest.fixture()
def exports(tmp_path: Path) -> list[Path]:
    js = tmp_path / "out" / "notifications.json"
    js.parent.mkdir()
    js.write_text(json.dumps([{"person_id": "p1", "surname": "백", "kind": "capture_card"}], ensure_ascii=False),
                  encoding="utf-8")
    csv = tmp_path / "out" / "notifications.csv"
    csv.write_bytes("\ufeffperson_id,surname,kind\r\np1,백,capture_card\r\n".encode())
    return [js, csv]


def test_signed_exports_verify_with_the_public_key(keys: tuple[Path, Path], exports: list[Path]) -> None:
    private, public = keys
    key = load_private_key(private)
    for path in exports:
        before = path.read_bytes()
        sig = sign_file(path, key, signer="registrar.olena")
        assert sig == signature_path(path) == path.with_name(path.name + ".sig")
        assert path.read_bytes() == before  # detached: the export itself is untouched
        doc = json.loads(sig.read_text())
        assert doc["key"] == fingerprint(load_public_key(public)) and doc["signer"] == "registrar.olena"
        assert verify_file(path, public) is None
        assert verify_file(path, load_public_key(public)) is None


def test_a_changed_byte_is_detected(keys: tuple[Path, Path], exports: list[Path]) -> None:
    private, public = keys
    path = exports[1]
    sign_file(path, load_private_key(private))
    path.write_bytes(path.read_bytes().replace(b"p1", b"p2"))
    with pytest.raises(SignatureInvalid, match="changed after it was signed"):
        verify_file(path, public)


def test_a_forged_signature_block_is_detected(keys: tuple[Path, Path], exports: list[Path]) -> None:
    private, public = keys
    path = exports[0]
    sig = sign_file(path, load_private_key(private))
    path.write_text('[{"person_id": "p1", "kind": "death_notice"}]', encoding="utf-8")
    doc = json.loads(sig.read_text())
    doc["sha256"] = "0" * 64  # the informational fields are not trusted
    sig.write_text(json.dumps(doc))
    with pytest.raises(SignatureInvalid, match="does not verify|changed"):
        verify_file(path, public)


def test_another_key_is_named_in_the_error(tmp_path: Path, keys: tuple[Path, Path], exports: list[Path]) -> None:
    _, other_public = generate_keypair(tmp_path / "other.pem")
    sign_file(exports[0], load_private_key(keys[0]))
    with pytest.raises(SignatureInvalid, match="signed with key ed25519:"):
        verify_file(exports[0], other_public)


def test_missing_or_malformed_signatures(keys: tuple[Path, Path], exports: list[Path]) -> None:
    with pytest.raises(NotFound, match="signature file"):
        verify_file(exports[0], keys[1])
    signature_path(exports[0]).write_text("not json")
    with pytest.raises(SignatureInvalid, match="not a powbureau-signature/1"):
        verify_file(exports[0], keys[1])


def test_keys_are_private_never_overwritten_and_never_in_a_repository(tmp_path: Path) -> None:
    private, public = generate_keypair(tmp_path / "k.pem", passphrase=b"s3cret")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert public.name == "k.pem.pub"
    load_private_key(private, b"s3cret")
    with pytest.raises(ValidationFailed, match="cannot load the private key"):
        load_private_key(private, b"wrong")
    with pytest.raises(Conflict, match="never overwritten"):
        generate_keypair(private)
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    with pytest.raises(ValidationFailed, match="inside the git repository"):
        generate_keypair(tmp_path / "repo" / "conf" / "bureau.pem")
    with pytest.raises(ValidationFailed, match="not a PEM public key"):
        load_public_key(private)
    with pytest.raises(NotFound):
        load_public_key(tmp_path / "absent.pub")
