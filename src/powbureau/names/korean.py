"""Korean names in Hangul, Latin and Cyrillic: romanization, the surname table, syllable readings.

``*_segments`` read a given name as consonant classes and the Hangul vowels each spelling can stand for
(RR, McCune–Reischauer, DPRK, ad-hoc, Kontsevich), compared in order; ``fold`` is a coarse key for blocking."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from .rules import apply_rules, compile_rules

_INITIALS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
             "h"]
_VOWELS = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
           "wi", "yu", "eu", "ui", "i"]
_FINALS = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t",
           "t", "ng", "t", "t", "k", "t", "p", "t"]


def is_syllable(ch: str) -> bool:
    """True for a precomposed Hangul syllable (U+AC00..U+D7A3)."""
    return "\uac00" <= ch <= "\ud7a3"


@lru_cache(maxsize=20_000)
def rr_syllable(ch: str) -> str:
    """The Revised Romanization (2000) of one Hangul syllable read alone: 백 -> 'baek', 정 -> 'jeong'."""
    if not is_syllable(ch):
        return ch
    code = ord(ch) - 0xAC00
    ini, rest = divmod(code, 588)
    vow, fin = divmod(rest, 28)
    return _INITIALS[ini] + _VOWELS[vow] + _FINALS[fin]


def romanize(text: str) -> str:
    """Revised Romanization of Hangul text, syllable by syllable, without sound-change rules."""
    return "".join(rr_syllable(c) if is_syllable(c) else c for c in text)


# ---- folding: every romanization of one syllable sequence -> one key -----------------------------------
_FOLD_PIECE_START = [
    (re.compile(r"^rh"), "r"),
    (re.compile(r"^[rl](?=[yi]|ee)"), ""),
    (re.compile(r"^n(?=y)"), ""),
    (re.compile(r"^yi"), "i"),
]
_FOLD = [
    (re.compile(r"[^a-z]"), ""),
    (re.compile(r"eui|ui|ee"), "i"),
    (re.compile(r"yeo|you|yoo"), "yo"),
    (re.compile(r"woo"), "u"),
    (re.compile(r"weo"), "wo"),
    (re.compile(r"wae|oe|oi"), "we"),
    (re.compile(r"eo|eu|oo|ou"), "o"),
    (re.compile(r"yae"), "ye"),
    (re.compile(r"ae|ai|ay"), "e"),
    (re.compile(r"u"), "o"),
    (re.compile(r"ng"), "N"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"tch|ch|jj|j|ts|tz|z|c"), "C"),
    (re.compile(r"sh|ss"), "s"),
    (re.compile(r"kk|gg|kh|g|q"), "k"),
    (re.compile(r"tt|th|d"), "t"),
    (re.compile(r"pp|ph|b|f"), "p"),
    (re.compile(r"v"), "w"),
    (re.compile(r"r"), "l"),
    (re.compile(r"h(?![aeiouwy])"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
]
_FOLD_RULES = compile_rules(_FOLD[1:])
_NOT_AZ = _FOLD[0][0]


@lru_cache(maxsize=300_000)
def fold(piece: str) -> str:
    """Fold one romanized piece (a syllable or syllables written together) to its comparison key.

    Vowels: eo/ŏ/o/u/eu/ŭ/oo -> o, yeo/yo/yu -> yo, ae/ai/e -> e, ui/ee/i -> i, oe/oi/wae/we -> we;
    consonants: g/k, d/t, b/p, j/ch/tch -> one letter each, s/sh/ss -> s, r/l -> l, ng -> N; a piece-initial
    r/l before y or i is dropped (DPRK Ri/Ryu/Ryong = South I/Yu/Yong). Sources: RR (2000),
    McCune–Reischauer (1939), DPRK romanization (1992)."""
    s = piece.lower()
    for rx, rep in _FOLD_PIECE_START:
        s = rx.sub(rep, s)
    if not (s.isascii() and s.isalpha()):
        s = _NOT_AZ.sub("", s)
    return apply_rules(_FOLD_RULES, s).replace("C", "c")


def loosen(key: str) -> str:
    """The loose key used when one side is Cyrillic: ng = n, a glide after a consonant is dropped."""
    return re.sub(r"(?<=[ktpcshmnlN])y", "", key).replace("N", "n")


# ---- Cyrillic (Kontsevich system and Russian press forms) ----------------------------------------------
_CYR_MULTI = [("чж", "j"), ("дж", "j"), ("чх", "ch"), ("цх", "ch"), ("кх", "k"), ("тх", "t"), ("пх", "p"),
              ("ль", "l"), ("сс", "ss")]
_CYR_ONE = {"а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": "eo", "ё": "yeo", "ж": "j", "з": "j",
            "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
            "с": "s", "т": "t", "у": "u", "ф": "p", "х": "h", "ц": "ch", "ч": "ch", "ш": "s", "щ": "s",
            "ъ": "", "ы": "eu", "ь": "", "э": "ae", "ю": "yu", "я": "ya", "і": "i", "є": "ye"}


@lru_cache(maxsize=50_000)
def cyr_to_latin(piece: str) -> str:
    """Romanize a Korean syllable sequence written in Cyrillic (Kontsevich / press forms) for ``fold``.

    ``Хёк`` -> 'hyeok', ``Чжу`` -> 'ju', ``Чхоль`` -> 'chol'; a word-initial е is read as ㅕ (Ен = 영)."""
    s = piece.lower()
    if s.startswith("е"):
        s = "ё" + s[1:]
    for a, b in _CYR_MULTI:
        s = s.replace(a, b)
    return "".join(_CYR_ONE.get(c, c) for c in s)


# ---- the surname table ----------------------------------------------------------------------------------
_NO_HANGUL: frozenset[str] = frozenset()


class SurnameTable:
    """Korean surnames (``data/korean_surnames.tsv``) indexed by Hangul, folded Latin and Cyrillic form."""

    def __init__(self) -> None:
        self.hangul: dict[str, tuple[list[str], list[str]]] = {}
        self.by_latin: dict[str, set[str]] = {}
        self.by_cyr: dict[str, set[str]] = {}
        text = resources.files("powbureau.names").joinpath("data/korean_surnames.tsv").read_text("utf-8")
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            han, lat, cyr = line.split("\t")
            lats = [x.strip() for x in lat.split(",") if x.strip()]
            cyrs = [x.strip() for x in cyr.split(",") if x.strip()]
            old = self.hangul.get(han, ([], []))
            self.hangul[han] = (old[0] + lats, old[1] + cyrs)
            for form in lats + [romanize(han)]:
                self.by_latin.setdefault(fold(form), set()).add(han)
            for form in cyrs:
                self.by_cyr.setdefault(form.lower(), set()).add(han)
        self._latin = {k: frozenset(v) for k, v in self.by_latin.items()}
        self._cyr = {k: frozenset(v) for k, v in self.by_cyr.items()}

    def latin(self, token: str) -> frozenset[str]:
        """Hangul surnames a Latin token can spell ('Paik' -> {백}); empty when none."""
        return self._latin.get(fold(token), _NO_HANGUL)

    def cyrillic(self, token: str) -> frozenset[str]:
        """Hangul surnames a Cyrillic token can spell ('Пэк' -> {백}); empty when none."""
        return self._cyr.get(token.lower(), _NO_HANGUL)

    def spellings(self, han: str) -> list[str]:
        """The Latin spellings listed for a Hangul surname (RR first)."""
        lats = self.hangul.get(han, ([], []))[0]
        return lats or [romanize(han).capitalize()]


@lru_cache(maxsize=1)
def surnames() -> SurnameTable:
    """The packaged surname table, loaded once."""
    return SurnameTable()


_SYL = (r"(?:kk|gg|ss|jj|tt|pp|dd|tsch|tch|ch|sh|ph|kh|th|gh|jh|rh|ts|k|g|t|d|p|b|j|s|h|m|n|r|l|c|z)?"
        r"(?:y|w)?(?:eo|eu|ae|oe|ui|oo|ee|ou|ai|oi|ue|a|e|i|o|u)h?"
        r"(?:ng|nn|n|m|ll|l|k|g|p|b|t|d|ck|r|h)?")
_LATIN_SYLLABLES = re.compile(rf"^(?:{_SYL}){{1,3}}$")


@lru_cache(maxsize=200_000)
def latin_piece_ok(piece: str) -> bool:
    """True when a Latin piece can be read as one to three romanized Korean syllables."""
    p = piece.lower().replace("'", "").replace("’", "")
    return bool(p) and p.isascii() and bool(_LATIN_SYLLABLES.match(p))


# ---- precise comparison: consonant classes + the set of Hangul vowels each Latin vowel run can spell ----
# Latin vowel spelling -> RR names of the Hangul vowels it is used for (RR, MR without breves, DPRK,
# common ad-hoc spellings such as Jung/Sung for ㅓ, Young for ㅕ, Lee/Hee for ㅣ/ㅢ, Choi for ㅚ).
_VOWEL_SPELLINGS: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in {
    "a": "a", "ae": "ae e", "ai": "ae", "ay": "ae", "e": "e ae", "ei": "e",
    "ya": "ya", "yae": "yae ye", "ye": "ye yae", "yea": "ye",
    "eo": "eo", "o": "o eo", "u": "u eo eu", "oo": "u", "ou": "u eo", "eu": "eu", "uh": "eo",
    "yeo": "yeo", "yo": "yo yeo", "yu": "yu yeo", "you": "yeo yu", "eou": "eo", "ie": "i ui", "yoo": "yu", "yeu": "yeo",
    "wa": "wa", "wae": "wae oe we", "oe": "oe wae we", "oi": "oe", "we": "we oe wae", "wo": "wo",
    "weo": "wo", "woo": "u wo", "wu": "u", "ue": "u", "wi": "wi", "wee": "wi", "ui": "ui wi", "eui": "ui", "ee": "i ui",
    "i": "i ui", "yi": "ui i", "wui": "wi",
    # Cyrillic vowels (Kontsevich and press forms), written as upper-case placeholders by cyr_segments
    "A": "a", "O": "o eo", "E": "eo e ye", "Q": "yeo yo", "U": "u", "Y": "eu ui", "X": "ae e",
    "V": "yu", "Z": "ya", "I": "i ui", "wA": "wa", "wO": "wo", "wX": "wae we oe", "wE": "we oe wae",
    "wI": "wi", "OI": "oe", "YI": "ui",
}.items()}
_VOWEL_LETTERS = frozenset("aeiouwyAOEQUYXVZI")
_MAX_SPELL = max(len(k) for k in _VOWEL_SPELLINGS)


@lru_cache(maxsize=50_000)
def _vowel_run(run: str) -> frozenset[tuple[str, ...]]:
    """Every sequence of Hangul vowels a run of Latin vowel letters can spell ('aeo' -> (ae, o), ...)."""
    if not run:
        return frozenset({()})
    out: set[tuple[str, ...]] = set()
    for n in range(1, min(_MAX_SPELL, len(run)) + 1):
        head = _VOWEL_SPELLINGS.get(run[:n])
        if head:
            for tail in _vowel_run(run[n:]):
                out.update((h,) + tail for h in head)
    return frozenset(out)


_CONS = [
    (re.compile(r"[^a-zA-Z]"), ""),
    (re.compile(r"ng"), "N"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"tch|ch|jj|j|ts|tz|z|c"), "C"),
    (re.compile(r"sh|ss"), "s"),
    (re.compile(r"kk|gg|g|q"), "k"),
    (re.compile(r"tt|th|d"), "t"),
    (re.compile(r"pp|ph|b|f"), "p"),
    (re.compile(r"v"), "w"),
    (re.compile(r"r"), "l"),
    (re.compile(r"h(?![aeiouwyAOEQUYXVZI])"), ""),
    (re.compile(r"([CsktplmnN])\1+"), r"\1"),
]
_CONS_RULES = compile_rules(_CONS)
Segments = tuple[object, ...]


@lru_cache(maxsize=100_000)
def _segment(s: str) -> Segments | None:
    s = apply_rules(_CONS_RULES, s)
    out: list[object] = []
    i = 0
    while i < len(s):
        j = i
        if s[i] in _VOWEL_LETTERS:
            while j < len(s) and s[j] in _VOWEL_LETTERS:
                j += 1
            seqs = _vowel_run(s[i:j])
            if not seqs:
                return None
            out.append(seqs)
        else:
            while j < len(s) and s[j] not in _VOWEL_LETTERS:
                j += 1
            out.append(s[i:j])
        i = j
    return tuple(out)


def _piece_start(p: str) -> str:
    for rx, rep in _FOLD_PIECE_START:
        p = rx.sub(rep, p)
    return p


@lru_cache(maxsize=100_000)
def latin_segments(pieces: tuple[str, ...]) -> frozenset[Segments]:
    """Segment readings of a romanized given name written as ``pieces`` (split at spaces/hyphens):
    as written, and with the piece-initial r/l/n dropped (DPRK Ryong = South Yong)."""
    low = tuple(p.lower() for p in pieces)
    out = {_segment("".join(low)), _segment("".join(_piece_start(p) for p in low))}
    if len(low) > 1:
        out.add(_concat([_segment(p) for p in low]))
        out.add(_concat([_segment(_piece_start(p)) for p in low]))
    return frozenset(x for x in out if x is not None)


def _concat(parts: list[Segments | None]) -> Segments | None:
    out: list[object] = []
    for seg in parts:
        if seg is None:
            return None
        for x in seg:
            if out and isinstance(x, str) and isinstance(out[-1], str):
                out[-1] = out[-1] + x
            elif out and not isinstance(x, str) and not isinstance(out[-1], str):
                out[-1] = frozenset(a + b for a in out[-1] for b in x)  # type: ignore[union-attr]
            else:
                out.append(x)
    return tuple(out)


_CYR_VOW = {"а": "A", "о": "O", "е": "E", "ё": "Q", "у": "U", "ы": "Y", "э": "X", "ю": "V", "я": "Z",
            "и": "I", "й": "I"}


@lru_cache(maxsize=50_000)
def cyr_segments(pieces: tuple[str, ...]) -> frozenset[Segments]:
    """Segment readings of a Korean given name in Cyrillic (Kontsevich / press forms)."""
    s = "".join(pieces).lower()
    if s.startswith("е"):
        s = "ё" + s[1:]
    for a, b in _CYR_MULTI:
        s = s.replace(a, b)
    s = re.sub(r"в(?=[аоэеи])", "w", s)
    s = "".join(_CYR_VOW.get(c) or _CYR_ONE.get(c, c) for c in s)
    seg = _segment(s)
    return frozenset({seg}) if seg is not None else frozenset()


@lru_cache(maxsize=4_096)
def _fold_cons(cluster: str, before_vowel: bool) -> str:
    s = apply_rules(_CONS_RULES, cluster + ("a" if before_vowel else ""))
    return s[:-1] if before_vowel else s


def _hangul_seg(syls: str, drop_all: bool) -> Segments:
    out: list[object] = []
    cluster = ""
    run: list[str] = []
    for k, ch in enumerate(syls):
        if not is_syllable(ch):
            continue
        ini, rest = divmod(ord(ch) - 0xAC00, 588)
        vow, fin = divmod(rest, 28)
        onset, v = _INITIALS[ini], _VOWELS[vow]
        if onset in ("r", "n") and (k == 0 or drop_all) and (v[0] == "y" or v == "i"):
            if onset == "r" or v[0] == "y":
                onset = ""
        elif onset == "r" and drop_all and cluster and cluster != "l":
            onset = "n"
        if cluster or onset:
            folded = _fold_cons(cluster, False) + _fold_cons(onset, True)
            if folded:
                if run:
                    out.append(frozenset({tuple(run)}))
                    run = []
                out.append(folded)
            cluster = ""
        run.append(v)
        cluster = _FINALS[fin]
        if cluster:
            out.append(frozenset({tuple(run)}))
            run = []
    if run:
        out.append(frozenset({tuple(run)}))
    if cluster:
        out.append(_fold_cons(cluster, False))
    return tuple(out)


@lru_cache(maxsize=100_000)
def hangul_segments(syls: str) -> frozenset[Segments]:
    """Segment readings of a Hangul given name: as spelled, and with ㄹ/ㄴ dropped before i/y in every
    syllable (the initial-sound rule applied syllable by syllable)."""
    return frozenset({_hangul_seg(syls, False), _hangul_seg(syls, True)})


_DOUBLE = re.compile(r"(.)\1+")


def _cons_eq(a: str, b: str, loose: bool) -> bool:
    if a == b:
        return True
    a, b = _DOUBLE.sub(r"\1", a), _DOUBLE.sub(r"\1", b)
    if loose:
        a, b = a.replace("N", "n"), b.replace("N", "n")
    return a == b


def segments_match(xs: frozenset[Segments], ys: frozenset[Segments], loose: bool = False) -> bool:
    """True when some reading of one given name can spell the same Hangul syllables as one of the other."""
    for x in xs:
        for y in ys:
            if len(x) != len(y):
                continue
            for a, b in zip(x, y, strict=True):
                if isinstance(a, str) or isinstance(b, str):
                    if not (isinstance(a, str) and isinstance(b, str) and _cons_eq(a, b, loose)):
                        break
                elif not (a & b):  # type: ignore[operator]
                    if not loose or not _loose_vowels(a, b):  # type: ignore[arg-type]
                        break
            else:
                return True
    return False


def _strip_glide(v: str) -> str:
    return v[1:] if len(v) > 1 and v[0] == "y" else v


def _loose_vowels(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> bool:
    la = {tuple(_strip_glide(v) for v in t) for t in a}
    lb = {tuple(_strip_glide(v) for v in t) for t in b}
    return bool(la & lb)
