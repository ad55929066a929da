"""Name comparison: a score in 0..1, a decision at ``MATCH_THRESHOLD`` and a reason for every part.

Korean names (both sides readable as Korean) are compared surname + ordered given-name syllables;
other names token by token (skeletons, given-name equivalents, initials, patronymics, gendered forms)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from . import chinese, korean, loanword
from .parse import KoreanReading, ParsedName, Token, parse_name
from .similarity import token_sim

MATCH_THRESHOLD = 0.80
"""Scores at or above this are a match (chosen on bench/names_eval.py). Korean names: surname and every
given-name syllable agree -> 1.0; any syllable differs -> at most 0.71; surname differs -> at most 0.5.
Other names: every part agrees up to transliteration variants, table equivalents (1.0), diminutives
(0.9), one or two letter slips (0.9/0.8) or an initial (0.85), with a part missing on one side costing a
fifth of its weight -> above 0.8; a part that contradicts (another spelling beyond two slips, another
patronymic, male vs female form, a part on each side that the other lacks) caps the score at 0.5-0.76."""

_CAP_CONFLICT = 0.6
_NO_APOS = str.maketrans("", "", "'’ʼ-")


@dataclass(frozen=True)
class PartResult:
    """How one part compared: ``part`` (surname, given, patronymic, initial, name part, or name for a
    whole-name rule), the two forms as written (``a``/``b``, '' when only one name has the part), the
    part's score in 0..1 and the ``rule`` that decided it, in words a reviewer can read."""

    part: str
    a: str
    b: str
    score: float
    rule: str


@dataclass(frozen=True)
class NameComparison:
    """The comparison of two names: ``score`` 0..1, ``is_match`` (score >= MATCH_THRESHOLD), the
    per-part results and a one-line ``reason``."""

    score: float
    is_match: bool
    parts: tuple[PartResult, ...]
    reason: str


def _result(score: float, parts: list[PartResult], reason: str) -> NameComparison:
    score = round(max(0.0, min(1.0, score)), 4)
    return NameComparison(score, score >= MATCH_THRESHOLD, tuple(parts), reason)


# ---- Korean ------------------------------------------------------------------------------------------------
SHORTENED_GIVEN = 0.7
"""Score of a Korean name against a form carrying only the first syllable of its given name (김정은 / Kim
Jong): a possible match for review (at or above linkage's weak-name level), never accepted alone."""
_PIECES = re.compile(r"[\s\-]+")


def _first_syllable(full: KoreanReading, short: KoreanReading, loose: bool) -> bool:
    """True when ``short`` gives one syllable of a given name and it is the first syllable of ``full``'s
    two- or three-syllable given name (Hangul, or Latin written with a space or hyphen between syllables)."""
    if len(_PIECES.split(short.given.strip())) != 1 or short.hangul_given and len(short.hangul_given) != 1:
        return False
    if full.hangul_given is not None:
        if not 2 <= len(full.hangul_given) <= 3:
            return False
        first = korean.hangul_segments(full.hangul_given[0])
    else:
        pieces = [x for x in _PIECES.split(full.given.strip()) if x]
        if not 2 <= len(pieces) <= 3 or full.cyrillic:
            return False
        first = korean.latin_segments((pieces[0],))
    if short.hangul_given is not None:
        return korean.hangul_segments(short.hangul_given) == first
    return korean.segments_match(first, short.given_segs, loose)


def _korean_pair(ra: KoreanReading, rb: KoreanReading) -> tuple[float, list[PartResult]]:
    loose = ra.cyrillic or rb.cyrillic
    shared = ra.surname_hangul & rb.surname_hangul
    if shared:
        han = sorted(shared)[0]
        sur_ok, sur_rule = True, f"Korean surname table: {han}=" + "/".join(
            sorted({ra.surname, rb.surname} - {han}) or [han])
    elif ra.surname_key == rb.surname_key or (loose and korean.loosen(ra.surname_key)
                                                == korean.loosen(rb.surname_key)):
        sur_ok, sur_rule = True, "same surname reading"
    else:
        sur_ok, sur_rule = False, "different surnames"
    parts = [PartResult("surname", ra.surname, rb.surname, 1.0 if sur_ok else 0.0, sur_rule)]
    if ra.hangul_given is not None and rb.hangul_given is not None:
        same = ra.hangul_given == rb.hangul_given
        gsim = 1.0 if same else Levenshtein.normalized_similarity(sorted(ra.given_keys)[0],
                                                                  sorted(rb.given_keys)[0])
        grule = "same Hangul syllables" if same else "different Hangul syllables"
    else:
        ka, kb = ra.given_keys, rb.given_keys
        if loose:
            ka, kb = {korean.loosen(k) for k in ka}, {korean.loosen(k) for k in kb}
        same = korean.segments_match(ra.given_segs, rb.given_segs, loose)
        if same:
            gsim = 1.0
            grule = "same syllables across romanizations" + (" (Cyrillic, loose)" if loose else "")
        else:
            gsim = min(0.9, max(Levenshtein.normalized_similarity(x, y) for x in ka for y in kb))
            grule = "given-name syllables differ"
    if sur_ok and not same and (_first_syllable(ra, rb, loose) or _first_syllable(rb, ra, loose)):
        parts.append(PartResult("given", ra.given, rb.given, 0.5, "given name cut to its first syllable"))
        return SHORTENED_GIVEN, parts
    parts.append(PartResult("given", ra.given, rb.given, round(gsim, 4), grule))
    if sur_ok and same:
        score = 1.0
    elif sur_ok:
        score = 0.35 + 0.4 * gsim
    elif same:
        score = 0.5
    else:
        score = 0.25 * gsim
    return score, parts


def _compare_korean(pa: ParsedName, pb: ParsedName) -> NameComparison:
    best: tuple[float, list[PartResult]] | None = None
    for ra in pa.korean:
        for rb in pb.korean:
            cur = _korean_pair(ra, rb)
            if best is None or cur[0] > best[0]:
                best = cur
    assert best is not None
    score, parts = best
    if score >= 1.0:
        reason = "Korean name: same surname and given-name syllables"
    else:
        reason = "Korean name: " + "; ".join(p.rule for p in parts if p.score < 1.0)
    return _result(score, parts, reason)


# ---- token by token -------------------------------------------------------------------------------------
def _weight(t: Token) -> float:
    if t.role == "initial":
        return 0.4
    if t.role == "patronymic":
        return 0.7
    return 1.0


def _joined(tokens: list[Token], i: int, n: int) -> str:
    return "".join(t.skel for t in tokens[i:i + n])


def _part_name(pa: ParsedName, ta: Token, pb: ParsedName, tb: Token) -> str:
    """The part a token plays (surname, given, patronymic, initial), read from either parsed name."""
    for p, t in ((pa, ta), (pb, tb)):
        if t.role in ("patronymic", "initial"):
            return t.role
        if t.text == p.surname:
            return "surname"
        if t.text in p.given.split():
            return "given"
    return "name part"


def _lower(cap: float, reason: str, new: float, new_reason: str) -> tuple[float, str]:
    """Keep the lowest cap on the score and the reason that set it."""
    return (new, new_reason) if new < cap else (cap, reason)


def _compare_tokens(pa: ParsedName, pb: ParsedName) -> NameComparison:
    ta, tb = list(pa.tokens), list(pb.tokens)
    parts: list[PartResult] = []
    pairs: list[tuple[float, str, int, int]] = []
    # a token written as two or three tokens on the other side (FridrichBuchenberg, Plat Ono Vich)
    used_a: set[int] = set()
    used_b: set[int] = set()
    for one, many, flip in ((ta, tb, False), (tb, ta, True)):
        if len(many) < 2:
            continue
        for i, t in enumerate(one):
            if t.role == "initial" or len(t.skel) < 6:
                continue  # only a token of six letters or more is matched against two or three joined
            for n in (2, 3):
                for j in range(len(many) - n + 1):
                    group = many[j:j + n]
                    if t.role == "initial" or any(x.role == "initial" or x.skel == t.skel for x in group):
                        continue
                    s = Levenshtein.normalized_similarity(t.skel, _joined(many, j, n))
                    if s >= 0.88 and len(t.skel) >= 6:
                        if (i in used_b) if flip else (i in used_a):
                            continue
                        if any((x in used_a) if flip else (x in used_b) for x in range(j, j + n)):
                            continue
                        parts.append(PartResult("token", t.text if not flip else " ".join(
                            x.text for x in many[j:j + n]), " ".join(x.text for x in many[j:j + n])
                            if not flip else t.text, s, "written together"))
                        if flip:
                            used_b.add(i)
                            used_a.update(range(j, j + n))
                        else:
                            used_a.add(i)
                            used_b.update(range(j, j + n))
                        pairs.append((s, "written together", -1, -1))
                        break
    cand = []
    for i, x in enumerate(ta):
        if i in used_a:
            continue
        for j, y in enumerate(tb):
            if j in used_b:
                continue
            s, rule = token_sim(x, y)
            cand.append((s, rule, i, j))
    cand.sort(key=lambda c: -abs(c[0]) if c[0] < 0 else -c[0])
    cap = 1.0
    cap_reason = ""
    both_pat = any(t.role == "patronymic" for t in ta) and any(t.role == "patronymic" for t in tb)
    for s, rule, i, j in cand:
        if i in used_a or j in used_b:
            continue
        if s < 0:
            used_a.add(i)
            used_b.add(j)
            cap, cap_reason = _lower(cap, cap_reason, 0.5, rule)
            parts.append(PartResult(_part_name(pa, ta[i], pb, tb[j]), ta[i].text, tb[j].text, 0.0, rule))
            pairs.append((0.0, rule, i, j))
            continue
        pat = ta[i].role == "patronymic" and tb[j].role == "patronymic"
        if s < 0.5 and not pat:
            continue
        if (ta[i].role == "patronymic") != (tb[j].role == "patronymic") and both_pat and s >= 0.5:
            cap, cap_reason = _lower(cap, cap_reason, 0.55, "a father's name stands for a given name")
            rule += " (but as father's name on one side only)"
        used_a.add(i)
        used_b.add(j)
        part = "patronymic" if pat else _part_name(pa, ta[i], pb, tb[j])
        parts.append(PartResult(part, ta[i].text, tb[j].text, round(s, 4), rule))
        pairs.append((s, rule, i, j))
        if pat and s < 0.5:
            cap, cap_reason = _lower(cap, cap_reason, 0.5, rule)
    left_a = [t for k, t in enumerate(ta) if k not in used_a]
    left_b = [t for k, t in enumerate(tb) if k not in used_b]
    num = 0.0
    den = 0.0
    for s, _rule, i, j in pairs:
        w = 1.0 if i < 0 else max(_weight(ta[i]), _weight(tb[j]))
        num += w * s
        den += w
    for t in left_a + left_b:
        den += 0.2 * _weight(t)
        parts.append(PartResult(_part_name(pa, t, pb, t), t.text if t in left_a else "",
                                t.text if t in left_b else "", 0.0, "only in one name"))
    if not pairs:
        return _result(0.0, parts, "no name part in common")
    score = num / den if den else 0.0
    strong_left = [t for t in left_a if t.role != "initial"], [t for t in left_b if t.role != "initial"]
    if strong_left[0] and strong_left[1]:
        cap, cap_reason = _lower(cap, cap_reason, _CAP_CONFLICT, "each name has a part the other lacks")
    elif (strong_left[0] and len(left_b) > len(strong_left[1])) or (strong_left[1] and len(left_a) >
                                                                  len(strong_left[0])):
        cap, cap_reason = _lower(cap, cap_reason, _CAP_CONFLICT, "an initial does not fit the other name")
    elif len(left_a) > len(strong_left[0]) and len(left_b) > len(strong_left[1]):
        cap, cap_reason = _lower(cap, cap_reason, _CAP_CONFLICT, "different initials")
    if all(t.role == "initial" for t in ta) or all(t.role == "initial" for t in tb):
        cap, cap_reason = _lower(cap, cap_reason, 0.75, "initials only")
    weak = [p for p in pairs if p[0] < 0.75]
    if weak:
        cap, cap_reason = _lower(cap, cap_reason, 0.55 + 0.3 * min(p[0] for p in weak), "a name part differs")
    if score > cap:
        score = cap
    if score >= MATCH_THRESHOLD:
        reason = "names agree part by part"
    else:
        reason = cap_reason or "names differ"
    return _result(score, parts, reason)


_WORDS = re.compile(r"[^a-z]+")


@lru_cache(maxsize=100_000)
def _pinyin_words(latin: str) -> tuple[str, ...]:
    return tuple(w for w in _WORDS.split(latin.lower().translate(_NO_APOS)) if w)


def _compare_mandarin(ph: ParsedName, pl: ParsedName, korean_result: NameComparison | None = None
                      ) -> NameComparison | None:
    """A Chinese name in Hangul (Korean orthography for Mandarin, or the Sino-Korean reading of its
    characters) against its pinyin: every syllable must fit (sources in ``chinese``). ``korean_result``
    is the Korean comparison of the two names when the caller has it already (computed here otherwise)."""
    words = _pinyin_words(pl.normalized)
    if not 1 < len(words) <= 4:
        return None
    han = ph.normalized.replace(" ", "")
    rot = words[-1:] + words[:-1]
    if chinese.to_hangul(words) == han or chinese.to_hangul(rot) == han:
        return _result(0.95, [PartResult("name", ph.original, pl.original, 0.95,
                                         "Chinese name: Korean orthography for Mandarin (pinyin)")],
                       "Chinese name written in Hangul from its Mandarin sound")
    if "-" in pl.normalized or (pl.korean and ph.korean and (korean_result or _compare_korean(ph, pl)).is_match):
        return None  # pinyin does not hyphenate given names; a hyphen marks Korean or Wade-Giles
    if chinese.sino_korean_match(han, words) or chinese.sino_korean_match(han, rot):
        return _result(0.9, [PartResult("name", ph.original, pl.original, 0.9,
                                        "Chinese name: Sino-Korean reading of each character (Unihan)")],
                       "Chinese name written in Hangul by the Korean reading of its characters")
    return None


_HANGUL_WORDS = re.compile(r"[\s,·・‧\-]+")
LOANWORD_SCORE = 0.85


def _compare_loanword(ph: ParsedName, pl: ParsedName) -> NameComparison | None:
    """A non-Korean name written in Hangul by the loanword orthography (존 스미스, 마리 뒤부아) against its
    Latin spelling: every word's consonants must fit (``loanword``). Vowels are not compared, so the
    score stays below a same-script agreement."""
    words = [w for w in _HANGUL_WORDS.split(ph.normalized) if w]
    latin = [t.latin for t in pl.tokens if t.role != "initial"]
    how = loanword.names_fit(words, latin)
    if how is None:
        return None
    rule = "Hangul loanword spelling (외래어 표기법) fits the Latin name" + ("" if how == "in order" else f", {how}")
    return _result(LOANWORD_SCORE, [PartResult("name", ph.original, pl.original, LOANWORD_SCORE, rule)],
                   "non-Korean name written in Hangul: " + rule)


def _raw(p: ParsedName) -> ParsedName:
    """The same name with tokens keyed on their own letters (same-script comparison of scripts
    such as Arabic, Han or Khmer, where a romanization would merge distinct letters)."""
    toks = tuple(Token(w, w.lower(), w.lower(), "other", frozenset())
                 for w in re.split(r"[\s,.·・\-]+", p.normalized) if w)
    return replace(p, tokens=toks)


_PAREN = re.compile(r"(\S+)\s*[(\[]([^()\[\]]*)[)\]]")
_MAIDEN = re.compile(r"(?i)^\s*(?:née|nee|geb\.?|geborene|урожд\.?|урождённая|урожденная|дев\.?|born|z domu|"
                     r"also|aka|a\.k\.a\.|alias|или|она же|он же)\s+")


@lru_cache(maxsize=50_000)
def alternates(text: str) -> tuple[str, ...]:
    """The readings of a name with a parenthesised alternate: ``Ivanov (Ivanoff) Petr`` -> ('Ivanov Petr',
    'Ivanoff Petr'); ``Smirnova (née Kuznetsova) Anna`` -> ('Smirnova Anna', 'Kuznetsova Anna'). The
    alternate replaces the word before it (lists and card indexes write a variant or a maiden name so);
    a name without brackets gives itself."""
    m = _PAREN.search(text or "")
    if not m:
        return (text,)
    inner = _MAIDEN.sub("", m.group(2)).strip()
    without = (text[: m.start()] + m.group(1) + text[m.end():]).strip()
    out = list(alternates(without))
    if inner and any(c.isalpha() for c in inner):
        out += alternates((text[: m.start()] + inner + text[m.end():]).strip())
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=200_000)
def compare_names(a: str, b: str) -> NameComparison:
    """Compare two names of any script; score 0..1, match at ``MATCH_THRESHOLD``, reasons per part.

    A parenthesised alternate (``Ivanov (Ivanoff) Petr``, ``(née Kuznetsova)``) is tried in place of the
    word before it and the best reading counts (``alternates``). A name that gives no comparison key
    (no letters, or a script that cannot be romanized) scores 0 and the reason names it: an empty key
    is no evidence, never agreement (known case 1). Never raises on any string input."""
    xs, ys = alternates(a), alternates(b)
    if len(xs) == 1 and len(ys) == 1:
        return _compare_one(a, b)
    best: NameComparison | None = None
    for x in xs[:4]:
        for y in ys[:4]:
            cur = _compare_one(x, y)
            if best is None or cur.score > best.score:
                best = cur
                if (x, y) != (xs[0], ys[0]):
                    best = replace(cur, reason=cur.reason + f" (reading {x!r} / {y!r} of the bracketed alternates)")
    assert best is not None
    return best


def _compare_one(a: str, b: str) -> NameComparison:
    """Compare two names of any script; score 0..1, match at ``MATCH_THRESHOLD``, reasons per part.

    A name that gives no comparison key (no letters, or a script that cannot be romanized) scores 0
    and the reason names it: an empty key is no evidence, never agreement (known case 1). Never
    raises on any string input."""
    pa, pb = parse_name(a), parse_name(b)
    for label, p in (("A", pa), ("B", pb)):
        if not p.tokens and not p.korean and not (pa.script == pb.script == "other"):
            what = f"name {label} ({p.original!r}) gave no comparison key"
            if p.failed:
                what += f": cannot romanize {' '.join(p.failed)!r}"
            return _result(0.0, [PartResult("name", a, b, 0.0, what)], what)
    kor = _compare_korean(pa, pb) if pa.korean and pb.korean else None  # the same either way round
    if pa.script == "hangul" and pb.script == "latin":
        found = _compare_mandarin(pa, pb, kor)
        if found:
            return found
    elif pb.script == "hangul" and pa.script == "latin":
        found = _compare_mandarin(pb, pa, kor)
        if found:
            return found
    loan = None
    if {pa.script, pb.script} == {"hangul", "latin"}:
        ph, pl = (pa, pb) if pa.script == "hangul" else (pb, pa)
        loan = _compare_loanword(ph, pl)
    if kor is not None:
        return loan if loan and loan.score > kor.score else kor
    if loan:
        return loan
    if pa.script == pb.script == "other":
        return _compare_tokens(_raw(pa), _raw(pb))
    if "hangul" in (pa.script, pb.script) and pa.script != pb.script:
        res = _compare_tokens(pa, pb)
        if res.score >= MATCH_THRESHOLD:
            return _result(0.7, list(res.parts), "Hangul name could not be read as a Korean name on both sides")
        return res
    return _compare_tokens(pa, pb)
