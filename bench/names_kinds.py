"""Names by kind (issue 12): how many pairs of each hard kind come out right, and the foreign names in Hangul
of wd_korean.tsv (Latin label vs Hangul label) with one hard negative each.

Usage: python bench/names_kinds.py [--data PATH] [-v]   (reads ../shared/data/crossscript_names; never copied)"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from powbureau.names import MATCH_THRESHOLD, compare_names  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT = Path(os.environ.get("POWBUREAU_SHARED", REPO.parent / "shared")) / "data" / "crossscript_names"
POSSIBLE = 0.5  # expected: a possible match (review), never accepted: MATCH_THRESHOLD - 0.2 <= score < threshold

# A second set of invented people, apart from tests/names/test_kinds.py: 1 match, 0 no match, 0.5 possible.
CASES: dict[str, list[tuple[str, str, float]]] = {
    "hangul_foreign": [
        ("존 스미스", "John Smith", 1), ("마리 뒤부아", "Marie Dubois", 1), ("피터 브라운", "Peter Brown", 1),
        ("장 피에르 르클레르", "Jean-Pierre Leclerc", 1), ("로버트 존슨", "Robert Johnson", 1),
        ("미셸 베르나르", "Michel Bernard", 1), ("데이비드 윌리엄스", "David Williams", 1),
        ("엘리자베스 테일러", "Elizabeth Taylor", 1), ("존 스미스", "John Brown", 0), ("마리 뒤부아", "Marie Durand", 0),
        ("피터 브라운", "Robert Brown", 0), ("로버트 존슨", "Robert Jackson", 0),
    ],
    "german_dutch_french_ru": [
        ("Tschaikowski", "Tchaikovsky", 1), ("Pjotr Tschaikowski", "Чайковский Пётр", 1),
        ("Sergej Iwanowitsch Petrow", "Petrov Sergei Ivanovich", 1), ("Khrouchtchev", "Хрущёв", 1),
        ("Dmitri Schostakowitsch", "Shostakovich Dmitry", 1), ("Chostakovitch", "Шостакович", 1),
        ("Joeri Gagarin", "Yuri Gagarin", 1), ("Sjostakovitsj", "Shostakovich", 1), ("Tsjaikovski", "Tchaikovsky", 1),
        ("Michail Gorbatschow", "Михаил Горбачёв", 1), ("Boris Jelzin", "Борис Ельцин", 1),
        ("Boris Eltsine", "Борис Ельцин", 1), ("Alexandre Soljenitsyne", "Солженицын Александр", 1),
        ("Fiodor Dostoïevski", "Фёдор Достоевский", 1), ("Tschaikowski", "Tschernow", 0),
        ("Iwanowitsch", "Petrowitsch", 0),
    ],
    "belarusian_ukrainian": [
        ("Аляксандр Лукашэнка", "Aleksandr Lukashenko", 1), ("Олександр Коваленко", "Aleksandr Kovalenko", 1),
        ("Іван Петренко", "Ivan Petrenko", 1), ("Уладзімір Караткевіч", "Vladimir Korotkevich", 1),
        ("Микола Бойко", "Nikolai Boiko", 1), ("Григорій Шевченко", "Grigori Shevchenko", 1),
        ("Олександр Коваленко", "Aleksei Kovalenko", 0), ("Іван Петренко", "Ivan Pavlenko", 0),
    ],
    "kazakh_azerbaijani": [
        ("Нұрсұлтан Әбішұлы Назарбаев", "Nursultan Abishevich Nazarbayev", 1), ("Heydər Əliyev", "Гейдар Алиев", 1),
        ("Əliyev İlham Heydər oğlu", "Алиев Ильхам Гейдар оглы", 1), ("Məmmədov Rəşad", "Mamedov Rashad", 1),
        ("Güləsər Hüseynova", "Гюлесер Гусейнова", 1), ("Nərgiz Əliyeva Tofiq qızı", "Наргиз Алиева Тофиг кызы", 1),
        ("Həsənov Elçin", "Гасанов Эльчин", 1), ("Серік Ахметұлы", "Serik Akhmetuly", 1),
        ("Əliyev İlham Heydər oğlu", "Aliyev Ilham Tofiq oglu", 0), ("Məmmədov Rəşad", "Mamedov Rasul", 0),
    ],
    "honorifics": [
        ("Mme Marie Dubois", "Marie Dubois", 1), ("Mr. John Smith", "John Smith", 1), ("г-н Иван Петров", "Ivan Petrov", 1),
        ("господин Петров Иван", "Petrov Ivan", 1), ("김철수 씨", "김철수", 1), ("김철수씨", "Kim Chol Su", 1),
        ("Mme Marie Dubois", "Marie Durand", 0), ("김철수 씨", "김철민", 0),
    ],
    "parenthesised_alternates": [
        ("Ivanov (Ivanoff) Petr", "Ivanoff Petr", 1), ("Ivanov (Ivanoff) Petr", "Ivanov Petr Sergeevich", 1),
        ("Smirnova (Kuznetsova) Anna", "Kuznetsova Anna Ivanovna", 1), ("Петров (Петровский) Иван", "Petrovsky Ivan", 1),
        ("Ivanov (Ivanoff) Petr", "Sidorov Petr", 0), ("Smirnova (Kuznetsova) Anna", "Popova Anna", 0),
    ],
    "korean_one_syllable": [
        ("김정은", "Kim Jong", POSSIBLE), ("박성철", "Park Sung", POSSIBLE), ("이민호", "Lee Min", POSSIBLE),
        ("김정은", "Kim Un", 0), ("김정은", "Kim Jong-il", 0),
    ],
}


def right(a: str, b: str, expected: float, kind: str) -> bool:
    """True when the pair comes out as expected in both directions (a Korean one-syllable negative must
    also stay below the review level)."""
    low = MATCH_THRESHOLD - 0.2
    for x, y in ((a, b), (b, a)):
        score = compare_names(x, y).score
        if expected == POSSIBLE and not low <= score < MATCH_THRESHOLD:
            return False
        if expected == 0 and score >= (low if kind == "korean_one_syllable" else MATCH_THRESHOLD):
            return False
        if expected == 1 and score < MATCH_THRESHOLD:
            return False
    return True


def wd_foreign(path: Path) -> list[tuple[str, str, bool]]:
    """Foreign names in Hangul from wd_korean.tsv: Hangul with a space, two or three words, Latin of the same
    word count; one hard negative per row (another row whose Latin shares the first word)."""
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if "\t" not in line:
            continue
        en, ko = (x.strip() for x in line.split("\t", 1))
        if not 2 <= len(ko.split()) <= 3 or len(en.split()) != len(ko.split()) or not en.isascii():
            continue
        if not all("\uac00" <= c <= "\ud7a3" or c == " " for c in ko):
            continue
        rows.append((ko, en))
    rows = rows[::10]  # every tenth row: a sample of about 2,000
    by_first: dict[str, list[int]] = defaultdict(list)
    for i, (_ko, en) in enumerate(rows):
        by_first[en.split()[0].lower()].append(i)
    pairs = [(ko, en, True) for ko, en in rows]
    for i, (ko, en) in enumerate(rows):
        others = [j for j in by_first[en.split()[0].lower()] if rows[j][1] != en]
        if others:
            pairs.append((ko, rows[others[0]][1], False))
    return pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("-v", action="store_true", help="print the pairs that come out wrong")
    args = ap.parse_args()
    print(f"{'kind':<28}{'right':>7}{'of':>5}")
    for kind, cases in CASES.items():
        ok = 0
        for a, b, e in cases:
            good = right(a, b, e, kind)
            ok += good
            if not good and args.v:
                print(f"   wrong: {a} | {b} expected {e}, got {compare_names(a, b).score}")
        print(f"{kind:<28}{ok:>7}{len(cases):>5}")
    path = args.data / "wd_korean.tsv"
    if not path.is_file():
        print(f"\n{path} not found: skipping the Wikidata foreign names")
        return
    pairs = wd_foreign(path)
    t0 = time.process_time()
    got = [(compare_names(a, b).is_match, e) for a, b, e in pairs]
    dt = time.process_time() - t0
    tp = sum(p and e for p, e in got)
    fp = sum(p and not e for p, e in got)
    fn = sum(e and not p for p, e in got)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    print(f"\nwd_korean foreign names in Hangul ({sum(e for *_x, e in pairs)} positives, "
          f"{sum(not e for *_x, e in pairs)} hard negatives): precision {prec:.3f} recall {rec:.3f} F1 {f1:.3f}"
          f"  ({len(pairs) / dt:,.0f} pairs/s)")
    if args.v:
        for (a, b, e), (p, _e) in list(zip(pairs, got, strict=True)):
            if p != e:
                print(f"   wrong: {a} | {b} expected {e}")


if __name__ == "__main__":
    main()
