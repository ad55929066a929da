"""Synthetic registry generator for the linkage scale bench: Korean, Russian, Ukrainian and Tuvan people.

Names are drawn from weighted surname and given-name pools (Korean in Hangul, the others in Cyrillic); a share
of persons is registered twice with errors (another spelling or script, a typo, a shifted or missing birth date,
a typo'd service number). ``counterpart_list`` draws a Latin-script list of registry persons plus decoys."""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta

import icu

from powbureau.names.korean import romanize

from powbureau.linkage import LinkRecord

KO_SURNAMES = [("김", 21.5), ("이", 14.7), ("박", 8.4), ("최", 4.7), ("정", 4.4), ("강", 2.3), ("조", 2.1), ("윤", 2.1),
               ("장", 2.0), ("임", 1.7), ("한", 1.5), ("오", 1.5), ("서", 1.5), ("신", 1.5), ("권", 1.4), ("황", 1.4),
               ("안", 1.3), ("송", 1.3), ("류", 1.2), ("전", 1.1), ("홍", 1.1), ("고", 0.9), ("문", 0.9), ("양", 0.9),
               ("손", 0.9), ("배", 0.8), ("백", 0.8), ("허", 0.6), ("남", 0.6), ("심", 0.5), ("노", 0.5), ("하", 0.5),
               ("곽", 0.4), ("성", 0.4), ("차", 0.4), ("주", 0.4), ("우", 0.4), ("구", 0.4), ("민", 0.3), ("리", 0.3)]
KO_SYLLABLES = list("민준서현지우도윤하은수영진호성철광혁정일남명국동희경용석훈상태순옥미선혜연주원재길춘복만학종")
RU_SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
               "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
               "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
               "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
               "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин",
               "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов",
               "Комаров", "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов",
               "Марков", "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов",
               "Тихонов", "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов"]
RU_GIVEN = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван", "Михаил",
            "Артём", "Николай", "Владимир", "Павел", "Роман", "Денис", "Игорь", "Олег", "Виктор", "Юрий", "Антон",
            "Константин", "Кирилл", "Никита", "Илья", "Егор", "Вадим", "Василий", "Пётр", "Григорий", "Фёдор"]
RU_PATRONYMIC = ["Александрович", "Сергеевич", "Дмитриевич", "Андреевич", "Алексеевич", "Иванович", "Михайлович",
                 "Николаевич", "Владимирович", "Викторович", "Юрьевич", "Олегович", "Павлович", "Петрович",
                 "Васильевич", "Игоревич", "Геннадьевич", "Анатольевич", "Борисович", "Евгеньевич"]
UA_SURNAMES = ["Мельник", "Шевченко", "Коваленко", "Бондаренко", "Бойко", "Ткаченко", "Кравченко", "Ковальчук",
               "Коваль", "Олійник", "Шевчук", "Поліщук", "Іваненко", "Лисенко", "Савченко", "Руденко", "Марченко",
               "Петренко", "Мороз", "Клименко", "Павленко", "Кравчук", "Кузьменко", "Пономаренко", "Савчук",
               "Василенко", "Левченко", "Харченко", "Гнатюк", "Дорош", "Бондар", "Ткачук", "Гончаренко", "Мазур",
               "Литвиненко", "Карпенко", "Вовк", "Демченко", "Мартинюк", "Тимошенко", "Остапенко", "Швець"]
UA_GIVEN = ["Олександр", "Сергій", "Андрій", "Дмитро", "Володимир", "Микола", "Іван", "Юрій", "Василь", "Олег",
            "Віктор", "Тарас", "Богдан", "Ігор", "Петро", "Максим", "Михайло", "Роман", "Степан", "Ярослав",
            "Євген", "Павло", "Артем", "Денис", "Віталій", "Остап", "Назар", "Орест", "Григорій", "Анатолій"]
UA_PATRONYMIC = ["Олександрович", "Сергійович", "Андрійович", "Миколайович", "Іванович", "Петрович",
                 "Васильович", "Володимирович", "Михайлович", "Степанович", "Юрійович", "Богданович"]
TY_SURNAMES = ["Монгуш", "Ооржак", "Куулар", "Сат", "Ондар", "Салчак", "Хертек", "Донгак", "Кужугет", "Саая",
               "Дамба", "Тюлюш", "Иргит", "Ховалыг", "Чооду", "Оюн", "Сарыглар", "Кара-Сал", "Байыр-оол", "Соднам"]
TY_GIVEN = ["Айдаш", "Начын", "Эрес", "Чечен", "Сылдыс", "Шолбан", "Өлзей", "Күжүгет", "Аяс", "Буян", "Айдыс",
            "Чингис", "Омак", "Орлан", "Сайын", "Мерген", "Тимур", "Алдар", "Чодураа", "Белек", "Аржаан", "Уран",
            "Баир", "Саян", "Күнзек", "Чаяан", "Эртине", "Өндер", "Артыш", "Шериг"]
RANKS = {"cy": ["рядовой", "ефрейтор", "младший сержант", "сержант", "старший сержант", "лейтенант", "капитан"],
         "ko": ["전사", "상등병", "하사", "중사", "소위"]}
UNITS = {"cy": [f"в/ч {n}" for n in range(10000, 10060)], "ko": [f"{n}연대" for n in range(1, 40)]}
ORIGINS = [("ko", 0.35), ("ru", 0.30), ("ua", 0.20), ("ty", 0.15)]
_TR = {"ru": "Russian-Latin/BGN", "ua": "Ukrainian-Latin/BGN", "ty": "Any-Latin; Latin-ASCII", "ko": "Hangul-Latin"}
_TRS: dict[str, object] = {}


def _latin(text: str, origin: str) -> str:
    tr = _TRS.setdefault(origin, icu.Transliterator.createInstance(_TR[origin]))
    return tr.transliterate(text)  # type: ignore[attr-defined]


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([w for w, _ in weighted], [p for _, p in weighted])[0]


def person(rng: random.Random) -> dict:
    """One synthetic person: origin, name in its own script, birth date, service number, rank, unit, father."""
    origin = _pick(rng, ORIGINS)
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))
    if origin == "ko":
        sur = _pick(rng, KO_SURNAMES)
        given = rng.choice(KO_SYLLABLES) + rng.choice(KO_SYLLABLES)
        name = sur + given
        father = rng.choice(KO_SYLLABLES) + rng.choice(KO_SYLLABLES)
        sn = f"{rng.choice('ABCDEFGH')}{rng.randrange(10**6, 10**7)}"
    else:
        sur = rng.choice({"ru": RU_SURNAMES, "ua": UA_SURNAMES, "ty": TY_SURNAMES}[origin])
        given = rng.choice({"ru": RU_GIVEN, "ua": UA_GIVEN, "ty": TY_GIVEN}[origin])
        father = rng.choice({"ru": RU_GIVEN, "ua": UA_GIVEN, "ty": TY_GIVEN}[origin])
        pat = rng.choice(RU_PATRONYMIC if origin != "ua" else UA_PATRONYMIC) if origin != "ty" else ""
        name = " ".join(x for x in (sur, given, pat) if x)
        sn = f"{rng.choice('АБВГДЕЖИКЛМН')}{rng.choice('АБВГДЕЖИКЛМН')}-{rng.randrange(10**5, 10**6)}"
    side = "ko" if origin == "ko" else "cy"
    return {"origin": origin, "name": name, "born": born, "sn": sn, "rank": rng.choice(RANKS[side]),
            "unit": rng.choice(UNITS[side]), "father": father}


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 3:
        return s
    k = rng.randrange(1, len(s) - 1)
    op = rng.random()
    if op < 0.4:
        return s[:k] + s[k + 1:]
    if op < 0.7:
        return s[:k] + s[k + 1] + s[k] + s[k + 2:]
    return s[:k] + rng.choice("aeiouнрстл") + s[k + 1:]


def _sn_typo(rng: random.Random, sn: str) -> str:
    k = rng.randrange(len(sn) - 4, len(sn))
    return sn[:k] + str((int(sn[k]) + 1 + rng.randrange(8)) % 10) + sn[k + 1:] if sn[k].isdigit() else sn


def variant(rng: random.Random, p: dict, *, latin: bool) -> dict:
    """The same person as another source writes them: another script or spelling, typos, partial dates."""
    name = _latin(p["name"], p["origin"]).replace("ʹ", "").replace("ʺ", "").title() if latin else p["name"]
    if p["origin"] == "ko" and latin:
        sur = romanize(p["name"][0]).title()
        giv = [romanize(c).lower() for c in p["name"][1:]]
        sur = {"Gim": "Kim", "I": rng.choice(["Lee", "Ri", "Yi"]), "Ri": rng.choice(["Lee", "Ri", "Yi"]),
               "Bak": "Park", "Choe": "Choi", "Jeong": rng.choice(["Jung", "Chong", "Jeong"]),
               "No": "Roh", "Yu": "Yoo", "Ryu": "Ryu", "Gang": "Kang", "Go": "Ko"}.get(sur, sur)
        name = f"{sur} {giv[0].title()}{rng.choice(['-', ' ', ''])}{giv[1]}"
    if rng.random() < 0.15:
        name = _typo(rng, name)
    born: object = p["born"]
    r = rng.random()
    if r < 0.15:
        born = None
    elif r < 0.30:
        born = (p["born"].year, None, None)
    elif r < 0.40:
        born = (p["born"].year + rng.choice([-1, 1]), None, None)  # Korean age or a slip of one year
    elif r < 0.50:
        born = (p["born"].year, p["born"].month, None)
    sn = p["sn"] if rng.random() < 0.7 else (_sn_typo(rng, p["sn"]) if rng.random() < 0.6 else None)
    return {**p, "name": name, "born": born, "sn": sn,
            "rank": p["rank"] if rng.random() < 0.5 else None, "unit": p["unit"] if rng.random() < 0.5 else None,
            "father": p["father"] if rng.random() < 0.3 else None}


def to_record(rid: str, p: dict, source: str) -> LinkRecord:
    return LinkRecord(rid, (p["name"],), p["born"], p["sn"], p["rank"], p["unit"], p["father"], None, source)


def generate(n: int, seed: int = 1, dup_rate: float = 0.05) -> tuple[list[LinkRecord], dict[str, int], list[dict]]:
    """A registry of ``n`` records: persons plus ``dup_rate`` of them registered twice with errors.

    Returns (records, record id → true person number, persons)."""
    rng = random.Random(seed)
    n_persons = int(n / (1 + dup_rate))
    persons = [person(rng) for _ in range(n_persons)]
    recs, truth = [], {}
    for k, p in enumerate(persons):
        recs.append(to_record(f"P{k}", {**p, "born": p["born"]}, "registry"))
        truth[f"P{k}"] = k
    for d in range(n - n_persons):
        k = rng.randrange(n_persons)
        recs.append(to_record(f"D{d}", variant(rng, persons[k], latin=rng.random() < 0.3), "registry"))
        truth[f"D{d}"] = k
    return recs, truth, persons


def counterpart_list(persons: list[dict], n_rows: int, seed: int = 2,
                     decoy_rate: float = 0.1) -> tuple[list[LinkRecord], dict[str, int | None]]:
    """A counterpart list in Latin script: ``n_rows`` rows, ``decoy_rate`` of them people not in the registry.

    Returns (rows, row id → true person number or None for a decoy)."""
    rng = random.Random(seed)
    rows, truth = [], {}
    chosen = rng.sample(range(len(persons)), int(n_rows * (1 - decoy_rate)))
    for r, k in enumerate(chosen):
        rows.append(to_record(f"L{r}", variant(rng, persons[k], latin=True), "list"))
        truth[f"L{r}"] = k
    for d in range(n_rows - len(chosen)):
        rows.append(to_record(f"X{d}", variant(rng, person(rng), latin=True), "list"))
        truth[f"X{d}"] = None
    return rows, truth


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=20)
    a = ap.parse_args()
    recs, _, persons = generate(a.n)
    for r in recs:
        print(r.id, r.names, r.birth, r.service_number, r.rank, r.unit, r.father_given_name)
    for r in counterpart_list(persons, 10)[0]:
        print(r.id, r.names, r.birth, r.service_number)
