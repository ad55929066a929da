"""Decoding an imported file's bytes: which encoding it is in, and which lines cannot be read.

Rules are fixed and tested (BOM, UTF-16 shape, strict UTF-8, CP949 for any Korean/EUC-KR guess, cp1251 for
Cyrillic); charset-normalizer only breaks the tie for other 8-bit files. Undecodable lines are reported, not fatal."""

from __future__ import annotations

from ..domain.messages import Msg
import codecs
import re
from dataclasses import dataclass

from powbureau.domain.errors import ValidationFailed

# Names we report, and the Python codec used for each.
_CODECS = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "cp1251": "cp1251",
    "cp949": "cp949",
}
# User spellings and detector names that mean one of ours; EUC-KR is always read as its superset CP949.
_ALIASES = {
    "utf8": "utf-8", "utf-8": "utf-8", "utf_8": "utf-8",
    "utf-8-sig": "utf-8-sig", "utf8-sig": "utf-8-sig", "utf_8_sig": "utf-8-sig",
    "utf-16": "utf-16", "utf16": "utf-16", "utf_16": "utf-16",
    "utf-16le": "utf-16-le", "utf-16-le": "utf-16-le", "utf_16_le": "utf-16-le",
    "utf-16be": "utf-16-be", "utf-16-be": "utf-16-be", "utf_16_be": "utf-16-be",
    "cp1251": "cp1251", "windows-1251": "cp1251", "win1251": "cp1251",
    "cp949": "cp949", "uhc": "cp949", "ks_c_5601-1987": "cp949", "ms949": "cp949", "windows-949": "cp949",
    "euc-kr": "cp949", "euc_kr": "cp949", "euckr": "cp949", "johab": "cp949",
}
_NEWLINE = re.compile(rb"\r\n|\r|\n")
_WORD = re.compile(r"[^\W\d_]+(?:['ʼ][^\W\d_]+)*")
_TEXT_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass(frozen=True)
class BadLine:
    """A physical line (1-based) that could not be decoded; ``raw`` shows its bytes with escapes."""

    line: int
    raw: str
    encoding: str

    def reason(self) -> str:
        """``cannot be decoded as ENC — what to do``."""
        return (
            f"cannot be decoded as {self.encoding} — re-save the file as UTF-8, "
            "or pass --encoding if the detected encoding is wrong"
        )

    def message(self) -> str:
        """``line N: cannot be decoded as ENC — what to do``."""
        return f"line {self.line}: {self.reason()}"


@dataclass(frozen=True)
class DecodedText:
    """The decoded text (undecodable lines replaced by empty lines, so line numbers still hold),
    the encoding name that was detected or given, whether it was detected, and the bad lines."""

    text: str
    encoding: str
    detected: bool
    bad_lines: tuple[BadLine, ...] = ()


def normalise_encoding_name(name: str) -> str:
    """The bureau's name for a user- or detector-given encoding (``EUC-KR`` → ``cp949``, ``utf8`` → ``utf-8``).

    Names the bureau does not list are passed to Python's codec registry; raises ``ValidationFailed`` when
    Python does not know the codec either."""
    key = name.strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        info = codecs.lookup(key)
    except LookupError:
        raise ValidationFailed(
            Msg("encoding '{name}' is unknown — use utf-8, utf-16, cp1251 or cp949 (EUC-KR is read as cp949)", name=name)
        ) from None
    return _ALIASES.get(info.name, info.name)


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when NUL bytes sit on one parity (ASCII-heavy UTF-16 without a BOM)."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _lines(data: bytes) -> list[bytes]:
    """Physical lines of an ASCII-compatible byte string, each with its line ending."""
    out: list[bytes] = []
    start = 0
    for m in _NEWLINE.finditer(data):
        out.append(data[start : m.end()])
        start = m.end()
    if start < len(data):
        out.append(data[start:])
    return out


def _decode_lines(data: bytes, encoding: str) -> DecodedText:
    """Decode line by line (ASCII-compatible encodings only); undecodable lines become empty lines."""
    codec = _CODECS.get(encoding, encoding)
    parts: list[str] = []
    bad: list[BadLine] = []
    for number, raw in enumerate(_lines(data), start=1):
        try:
            parts.append(raw.decode(codec))
        except UnicodeDecodeError:
            ending = raw[len(raw.rstrip(b"\r\n")) :]
            body = raw[: len(raw) - len(ending)]
            bad.append(BadLine(number, body.decode(codec, errors="backslashreplace"), encoding))
            parts.append(ending.decode("ascii"))
    return DecodedText("".join(parts), encoding, False, tuple(bad))


def _decode_utf16(data: bytes, encoding: str) -> DecodedText:
    """Decode UTF-16; lines with broken code units are reported and emptied."""
    text = data.decode(_CODECS[encoding], errors="replace")
    if "\ufffd" not in text:
        return DecodedText(text, encoding, False)
    strict_ok = True
    try:
        data.decode(_CODECS[encoding])
    except UnicodeDecodeError:
        strict_ok = False
    if strict_ok:  # the file really contains U+FFFD characters
        return DecodedText(text, encoding, False)
    lines = _TEXT_LINE.findall(text)
    bad: list[BadLine] = []
    for i, line in enumerate(lines):
        if "\ufffd" in line:
            body = line.rstrip("\r\n")
            bad.append(BadLine(i + 1, body, encoding))
            lines[i] = line[len(body) :]
    return DecodedText("".join(lines), encoding, False, tuple(bad))


def _hangul_share(data: bytes) -> tuple[float, int, int]:
    """(share of Hangul among non-ASCII characters, lines read, lines failed) when read as CP949."""
    hangul = other = good = failed = 0
    for raw in _lines(data):
        if raw.isascii():
            continue
        try:
            line = raw.decode("cp949")
        except UnicodeDecodeError:
            failed += 1
            continue
        good += 1
        for ch in line:
            if ch >= "\x80":
                if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e":
                    hangul += 1
                else:
                    other += 1
    total = hangul + other
    return (hangul / total if total else 0.0), good, failed


def _cyrillic_share(data: bytes) -> float:
    """Share of the words holding non-ASCII letters that are wholly Cyrillic when read as cp1251.

    Western text read as cp1251 also yields Cyrillic letters (ü → ь), but glued to Latin ones (``Mьller``)."""
    text = data.decode("cp1251", errors="replace")
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    if not words:
        return 0.0
    pure = sum(1 for w in words if all("\u0400" <= ch <= "\u04ff" or ch in "'ʼ" for ch in w))
    return pure / len(words)


def _mostly_utf8(data: bytes) -> bool:
    """True for a UTF-8 file with a few damaged bytes: valid multi-byte characters outnumber the undecodable
    bytes at least ten to one (its bad lines are then reported, not the whole file read as a code page)."""
    text = data[:200_000].decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    return good >= 10 * bad > 0


def detect_encoding(data: bytes) -> str:
    """The encoding name the bureau will read ``data`` with.

    Order: BOM (UTF-8, UTF-16 LE/BE) → UTF-16 shape without BOM → strict UTF-8 → UTF-8 with a few damaged bytes → CP949 when at least 60 % of
    the non-ASCII characters read as Hangul and most non-ASCII lines decode (an EUC-KR file is read as its
    superset CP949, known case 22) → cp1251 when at least 80 % read as Cyrillic letters → charset-normalizer's
    best guess, normalised → cp1251 as the last resort.
    Raises nothing: every byte string gets an answer."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    shape = _utf16_without_bom(data)
    if shape:
        return shape
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return "utf-8"
    share, good, failed = _hangul_share(data)
    if share >= 0.6 and good > failed:
        return "cp949"
    if _cyrillic_share(data) >= 0.8:
        return "cp1251"
    from charset_normalizer import from_bytes  # imported lazily: only odd files need it

    best = from_bytes(data[:200_000]).best()
    if best is not None:
        try:
            return normalise_encoding_name(best.encoding)
        except ValidationFailed:
            pass
    return "cp1251"


def decode_bytes(data: bytes, encoding: str | None = None) -> DecodedText:
    """Decode a whole file, detecting the encoding unless ``encoding`` is given.

    A given ``utf-16`` follows the BOM (little-endian without one); a given or detected UTF-8 BOM is stripped.
    Lines that cannot be decoded are listed in ``bad_lines`` (known case 22) and left empty in ``text``.
    Raises ``ValidationFailed`` for an unknown encoding name."""
    detected = encoding is None
    if encoding is None:
        name = detect_encoding(data)
    else:
        name = normalise_encoding_name(encoding)
        if name == "utf-16":
            name = "utf-16-be" if data.startswith(codecs.BOM_UTF16_BE) else "utf-16-le"
        if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
            name = "utf-8-sig"
    if name in ("utf-16-le", "utf-16-be"):
        bom = codecs.BOM_UTF16_LE if name == "utf-16-le" else codecs.BOM_UTF16_BE
        body = data[len(bom) :] if data.startswith(bom) else data
        result = _decode_utf16(body, name)
    else:
        body = data[len(codecs.BOM_UTF8) :] if name == "utf-8-sig" else data
        codec = "utf-8" if name == "utf-8-sig" else name
        try:
            result = DecodedText(body.decode(_CODECS.get(codec, codec)), name, detected)
        except UnicodeDecodeError:
            result = _decode_lines(body, codec)
            result = DecodedText(result.text, name, detected, result.bad_lines)
    text = result.text.lstrip("\ufeff") if result.text.startswith("\ufeff") else result.text
    return DecodedText(text, name, detected, result.bad_lines)
