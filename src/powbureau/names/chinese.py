"""Chinese names written in Hangul by the Korean orthography for Mandarin (외래어 표기법, 중국어 표기).

Korean sources write a Chinese person's name as the Mandarin sound in Hangul (Li Xiaoshuang = 리샤오솽);
``to_hangul`` turns a pinyin name into that Hangul, so it can be compared with the Hangul as written."""

from __future__ import annotations

from functools import lru_cache

# Pinyin initial -> Hangul initial consonant index (ㄱ0 ㄲ1 ㄴ2 ㄷ3 ㄸ4 ㄹ5 ㅁ6 ㅂ7 ㅃ8 ㅅ9 ㅆ10 ㅇ11 ㅈ12
# ㅉ13 ㅊ14 ㅋ15 ㅌ16 ㅍ17 ㅎ18). Source: 국립국어원 외래어 표기법 제2장 표 (중국어 주음 부호와 한글 대조표).
_INI = {"b": 7, "p": 17, "m": 6, "f": 17, "d": 3, "t": 16, "n": 2, "l": 5, "g": 0, "k": 15, "h": 18, "j": 12,
        "q": 14, "x": 9, "zh": 12, "ch": 14, "sh": 9, "r": 5, "z": 13, "c": 14, "s": 10, "": 11}
# Pinyin final -> Hangul syllables as (vowel index, final index); vowels ㅏ0 ㅐ1 ㅑ2 ㅒ3 ㅓ4 ㅔ5 ㅕ6 ㅖ7 ㅗ8
# ㅘ9 ㅙ10 ㅚ11 ㅛ12 ㅜ13 ㅝ14 ㅞ15 ㅟ16 ㅠ17 ㅡ18 ㅢ19 ㅣ20; finals none0 ㄴ4 ㄹ8 ㅇ21.
_FIN: dict[str, list[tuple[int, int]]] = {
    "a": [(0, 0)], "o": [(8, 0)], "e": [(4, 0)], "ai": [(0, 0), (20, 0)], "ei": [(5, 0), (20, 0)],
    "ao": [(0, 0), (8, 0)], "ou": [(4, 0), (13, 0)], "an": [(0, 4)], "en": [(4, 4)], "ang": [(0, 21)],
    "eng": [(4, 21)], "er": [(4, 8)], "i": [(20, 0)], "ia": [(2, 0)], "ie": [(7, 0)], "iao": [(2, 0), (8, 0)],
    "iu": [(17, 0)], "ian": [(7, 4)], "in": [(20, 4)], "iang": [(2, 21)], "ing": [(20, 21)], "iong": [(17, 21)],
    "u": [(13, 0)], "ua": [(9, 0)], "uo": [(14, 0)], "uai": [(9, 0), (20, 0)], "ui": [(15, 0), (20, 0)],
    "uan": [(9, 4)], "un": [(13, 4)], "uang": [(9, 21)], "ong": [(13, 21)], "v": [(16, 0)], "ve": [(15, 0)],
    "van": [(16, 0), (0, 4)], "vn": [(16, 4)],
}
_Y = {"ya": "ia", "ye": "ie", "yao": "iao", "you": "iu", "yan": "ian", "yin": "in", "yang": "iang",
      "ying": "ing", "yong": "iong", "yi": "i", "yu": "v", "yue": "ve", "yuan": "van", "yun": "vn"}
_W = {"wa": "ua", "wo": "uo", "wai": "uai", "wei": "ui", "wan": "uan", "wen": "uen", "wang": "uang",
      "weng": "ueng", "wu": "u"}
_EXTRA = {"uen": [(14, 4)], "ueng": [(14, 21)]}
_PALATAL_SIMPLE = {2: 0, 7: 5, 6: 4, 12: 8, 17: 13}  # after ㅈ ㅉ ㅊ: ㅑ->ㅏ ㅖ->ㅔ ㅕ->ㅓ ㅛ->ㅗ ㅠ->ㅜ
_RETRO = {"zh", "ch", "sh", "r", "z", "c", "s"}


def _syllables(ini: str, fin: str) -> str:
    parts = _FIN.get(fin) or _EXTRA.get(fin)
    if parts is None:
        return ""
    if fin == "i" and ini in _RETRO:
        parts = [(18, 0)]
    out = []
    for k, (v, t) in enumerate(parts):
        c = _INI[ini] if k == 0 else 11
        if c in (12, 13, 14):
            v = _PALATAL_SIMPLE.get(v, v)
        out.append(chr(0xAC00 + (c * 21 + v) * 28 + t))
    return "".join(out)


def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for ini in _INI:
        for fin in list(_FIN) + list(_EXTRA):
            if ini in ("j", "q", "x") and fin.startswith("u") and "v" + fin[1:] in _FIN:
                table[ini + fin] = _syllables(ini, "v" + fin[1:])
                continue
            if ini == "" and fin[0] in "iuv":
                continue
            h = _syllables(ini, fin)
            if h and (ini + fin) not in table:
                table[ini + fin] = h
    for y, fin in {**_Y, **_W}.items():
        table[y] = _syllables("", fin)
    return table


_TABLE = _table()
_MAXLEN = max(len(k) for k in _TABLE)


@lru_cache(maxsize=50_000)
def _word(word: str) -> str:
    """Hangul of one pinyin word ('xiaoshuang' -> '샤오솽'); '' when it is not pinyin."""
    best: list[str | None] = [None] * (len(word) + 1)
    best[0] = ""
    for i in range(len(word)):
        if best[i] is None:
            continue
        for n in range(min(_MAXLEN, len(word) - i), 0, -1):
            h = _TABLE.get(word[i:i + n])
            if h and best[i + n] is None:
                best[i + n] = best[i] + h  # type: ignore[operator]
    return best[len(word)] or ""


@lru_cache(maxsize=50_000)
def to_hangul(latin_words: tuple[str, ...]) -> str:
    """The Korean-orthography Hangul of a pinyin name given as lower-case words (Wade–Giles hyphens
    and apostrophes removed by the caller); '' when a word is not pinyin."""
    out = []
    for w in latin_words:
        h = _word(w)
        if not h:
            return ""
        out.append(h)
    return "".join(out)


# ---- Sino-Korean readings (Chinese names written in Hangul by the Korean reading of their characters) -----
_DUEUM_Y = {2, 3, 6, 7, 12, 17, 20}  # ㅑ ㅒ ㅕ ㅖ ㅛ ㅠ ㅣ: initial ㄹ/ㄴ is dropped before them


def _dueum(h: str) -> set[str]:
    """The reading and its word-initial form (李 리 -> 이, 羅 라 -> 나): the initial-sound rule."""
    out = {h}
    ini, rest = divmod(ord(h) - 0xAC00, 588)
    vow = rest // 28
    if ini == 5:  # ㄹ
        out.add(chr(ord(h) + (11 - 5) * 588) if vow in _DUEUM_Y else chr(ord(h) + (2 - 5) * 588))
    elif ini == 2 and vow in _DUEUM_Y:  # ㄴ
        out.add(chr(ord(h) + (11 - 2) * 588))
    return out


@lru_cache(maxsize=1)
def sino_readings() -> dict[str, frozenset[str]]:
    """Toneless pinyin syllable -> the Hangul readings of its characters (``data/sino_korean_readings.tsv``)."""
    from importlib import resources

    text = resources.files("powbureau.names").joinpath("data/sino_korean_readings.tsv").read_text("utf-8")
    out: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            py, hs = line.split("\t")
            out[py] = frozenset(x for h in hs for x in _dueum(h))
    return out


@lru_cache(maxsize=100_000)
def _splits(word: str, n: int) -> tuple[tuple[str, ...], ...]:
    """Every way to cut a pinyin word into exactly ``n`` syllables of the readings table."""
    table = sino_readings()
    if n == 0:
        return ((),) if not word else ()
    if len(word) < n:
        return ()
    out: list[tuple[str, ...]] = []
    for k in range(1, min(6, len(word)) + 1):
        head = word[:k]
        if head in table:
            out.extend((head,) + rest for rest in _splits(word[k:], n - 1))
    return tuple(out)


@lru_cache(maxsize=100_000)
def _first_readings(word: str) -> frozenset[str]:
    """The Hangul syllables a pinyin word's first syllable can be read as (every table prefix of it)."""
    table = sino_readings()
    return frozenset(h for k in range(1, min(6, len(word)) + 1) for h in table.get(word[:k], ()))


@lru_cache(maxsize=50_000)
def sino_korean_match(hangul: str, words: tuple[str, ...]) -> bool:
    """True when every Hangul syllable is a Sino-Korean reading of the pinyin syllable in its place
    (왕희지 / wang xizhi: 왕 ∈ wang, 희 ∈ xi, 지 ∈ zhi), the words cut into syllables every possible way."""
    table = sino_readings()
    if not hangul or not words or hangul[0] not in _first_readings(words[0]):
        return False  # the first syllable cannot fit: no cut of the words can

    def fits(pos: int, w: int) -> bool:
        if w == len(words):
            return pos == len(hangul)
        word = words[w]
        for n in range(1, len(hangul) - pos + 1):
            for cut in _splits(word, n):
                if all(hangul[pos + i] in table[s] for i, s in enumerate(cut)) and fits(pos + n, w + 1):
                    return True
        return False

    return fits(0, 0)
