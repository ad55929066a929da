"""The web pages in Ukrainian, Korean, Russian and English (issue 13): complete catalogues, no literal text left
in the templates, and the language chosen per request (switcher cookie, Accept-Language, else Ukrainian)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2 import Environment

from powbureau.web import i18n

from .conftest import PASSWORD, csrf_of, sign_in

WEB = Path(i18n.__file__).parent
TEMPLATES = WEB / "templates"
# Catalogues every msgid must be translated in (all four are complete).
COMPLETE = ("uk", "en", "ru", "ko")
# Text that is the same in every language: codes, symbols, the names of commands, numbers.
ALLOWED = {"sha256", "PDF", "RU"}  # RU: the example counterpart code
ATTRS = re.compile(r'\b(?:placeholder|aria-label|title|alt)="([^"]*)"')
TAG = re.compile(r"<[^>]*>")
ENGLISH_NAV = ("Home", "Registry", "Interviews", "Wishes", "Exchanges", "Review queue", "Notifications", "Sign out")


def catalogue(lang: str):
    with (WEB / "locale" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


@pytest.mark.parametrize("lang", COMPLETE)
def test_every_msgid_is_translated(lang):
    with (WEB / "locale" / "messages.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    cat = catalogue(lang)
    done = {m.id for m in cat if m.id and not m.fuzzy and
            (all(m.string) if isinstance(m.string, tuple) else m.string)}
    missing = sorted(str(i) for i in template - done)
    assert not missing, f"{len(missing)} messages untranslated in {lang}: {missing[:20]}"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_compiled_catalogue_is_up_to_date(lang):
    from babel.messages.mofile import read_mo

    def flat(x):
        return tuple(x) if isinstance(x, (list, tuple)) else x

    po = {flat(m.id): flat(m.string) for m in catalogue(lang) if m.id and not m.fuzzy and m.string and all(m.string)}
    with (WEB / "locale" / lang / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        mo = {flat(m.id): flat(m.string) for m in read_mo(f) if m.id and m.string and all(m.string)}
    singular = {k: v for k, v in mo.items() if isinstance(k, str)}  # untranslated plurals compile to the msgids
    assert singular == {k: v for k, v in po.items() if isinstance(k, str)}, f"run pybabel compile for {lang}"


def _literal_text(source: str) -> list[str]:
    """Text and user-visible attributes of ``source`` that no ``{% trans %}`` block or ``_()`` call holds."""
    Environment(extensions=["jinja2.ext.i18n"]).parse(source)  # a template that does not parse fails here
    text = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    text = re.sub(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", " ", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", text, flags=re.S)  # expressions and statements
    found = ATTRS.findall(text) + TAG.sub("\n", text).split("\n")
    words = []
    for chunk in found:
        chunk = chunk.strip(" \t()[];:,.\"'…")
        if re.search(r"[A-Za-z]{2,}", chunk) and chunk not in ALLOWED:
            words.append(chunk)
    return words


def test_no_template_holds_user_visible_text_outside_the_catalogues():
    bad = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        literal = _literal_text(path.read_text(encoding="utf-8"))
        if literal:
            bad[str(path.relative_to(TEMPLATES))] = literal
    assert not bad, bad


def test_the_literal_text_check_sees_text_and_attributes():
    assert _literal_text('<p title="Hello there">Plain words</p>{% trans %}Fine{% endtrans %}') == \
        ["Hello there", "Plain words"]


@pytest.mark.parametrize(("header", "lang"), [
    (None, "uk"), ("en-GB,en;q=0.9", "en"), ("ko-KR,ko;q=0.9,en;q=0.5", "ko"), ("de-DE, ru;q=0.7", "ru"),
    ("fr;q=1, en;q=0", "uk"),
])
def test_accept_language(header, lang):
    assert (i18n.from_accept_language(header) or i18n.DEFAULT) == lang


def test_dates_follow_the_language():
    with i18n.use_locale("uk"):
        assert i18n.ldate("2026-12-02").replace("\u202f", " ") == "2 груд. 2026 р."
    with i18n.use_locale("en"):
        assert i18n.ldate("2026-12-02T14:05:00+00:00", True) == "2026-12-02 14:05"


def test_home_and_person_pages_in_ukrainian_for_a_registrar(client, world):
    client.headers["accept-language"] = "uk"
    sign_in(client, "registrar")
    home = client.get("/")
    assert home.status_code == 200 and '<html lang="uk">' in home.text
    assert "Реєстр" in home.text and "Що зробити зараз" in home.text
    assert "тиждень від" in home.text and "week of" not in home.text  # the charts' bar titles (new user's report)
    person = client.get(f"/persons/{world.paek}")
    assert person.status_code == 200 and "Реєстр" in person.text and "Історія статусу" in person.text
    for page in (home.text, person.text):
        nav = re.search(r'<nav aria-label="[^"]*" class="main">(.*?)</nav>', page, re.S).group(1)
        assert not [w for w in ENGLISH_NAV if f">{w}<" in nav], nav
        assert "Sign out" not in page and "Status history" not in page


def test_no_header_means_ukrainian_and_the_switcher_moves_to_korean(client, world):
    del client.headers["accept-language"]
    page = client.get("/login")
    assert '<html lang="uk">' in page.text and "Увійти" in page.text
    assert 'href="/lang/ko?next=/login"' in page.text  # the switcher on every page
    r = client.get("/lang/ko", params={"next": f"/persons/{world.paek}"})
    assert r.status_code == 303 and r.headers["location"] == f"/persons/{world.paek}"
    sign_in(client, "registrar")
    korean = client.get(f"/persons/{world.paek}")
    assert '<html lang="ko">' in korean.text and "등록부" in korean.text and "로그아웃" in korean.text
    assert client.get("/lang/xx", params={"next": "//evil.example"}).headers["location"] == "/"


def test_api_errors_keep_their_code_in_any_language(client):
    r = client.get("/api/persons", headers={"accept-language": "uk"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"


# ----- flash and error messages in the handlers (issue 13) ------------------------------------------------------
def _english_literals(source: str) -> list[str]:
    """Calls in ``source`` that pass bare English text to the reader: ``flash(request, kind, TEXT)`` or an error
    (``raise SomeError(TEXT)``) where TEXT is a string literal, an f-string, ``"..." % x``, ``"...".format()`` or a
    concatenation of those, i.e. not a ``Msg(...)``, ``_()``/``tr()`` call or a value handed on (``exc.message``)."""
    import ast

    def literal(node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str) and bool(re.search(r"[A-Za-z]{2,}", node.value))
        if isinstance(node, ast.JoinedStr):
            return True
        if isinstance(node, ast.BinOp):
            return literal(node.left) or literal(node.right)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return literal(node.func.value)
        return False

    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name == "flash" and len(node.args) >= 3:
            arg = node.args[2]
        elif name in BUREAU_ERRORS and node.args:
            arg = node.args[0]
        else:
            continue
        if literal(arg):
            found.append(f"line {node.lineno}: {ast.unparse(node)[:100]}")
    return found


def _bureau_errors() -> set[str]:
    from powbureau.domain import errors

    def subclasses(c):
        return {c.__name__}.union(*(subclasses(s) for s in c.__subclasses__()))

    return subclasses(errors.PowBureauError)


BUREAU_ERRORS = _bureau_errors() | {"CsrfRejected", "BodyTooLarge"}


def test_no_handler_flashes_or_raises_bare_english():
    bad = {}
    for path in sorted(WEB.glob("*.py")):
        found = _english_literals(path.read_text(encoding="utf-8"))
        if found:
            bad[path.name] = found
    assert not bad, bad


def test_the_bare_english_check_sees_literals_and_f_strings():
    source = '''
flash(request, "ok", f"pair {n} judged")
flash(request, "ok", "added")
flash(request, "error", exc.message)
flash(request, "ok", Msg("pair {n} judged", n=n))
raise ValidationFailed("bad " + x)
raise NotFound(Msg("no {x}", x=x))
'''
    assert [f.split(":")[0] for f in _english_literals(source)] == ["line 2", "line 3", "line 6"]


def test_service_sentences_reach_the_page_translated():
    from powbureau.domain.errors import IllegalTransition
    from powbureau.domain.lifecycle import check_transition
    from powbureau.domain.messages import Day, Msg
    from powbureau.domain.provenance import describe_interview

    with pytest.raises(IllegalTransition) as exc:
        check_transition("detainee", "registered", "captured")
    assert "cannot go from registered to captured" in str(exc.value)  # the CLI and logs keep English
    with i18n.use_locale("uk"):
        uk = i18n.tr(exc.value.message)
    assert "«зареєстрований»" in uk and "cannot" not in uk
    said = describe_interview("registration", "2026-12-02", "Lee Soo-jin", "independent")
    assert said == "registration interview of 2 Dec 2026 through interpreter Lee Soo-jin (independent)"
    with i18n.use_locale("ko"):
        ko = i18n.tr(said)
    assert "등록 면담" in ko and "Lee Soo-jin" in ko and "2026" in ko and "interview" not in ko
    with i18n.use_locale("ru"):
        assert i18n.tr(Msg("wish of {name} verified: {kind}", name="Ли (…ABC123)", kind="return")) == \
            "пожелание Ли (…ABC123) подтверждено: вернуться"
        # a code is translated by its label, a user who happens to be called "registrar" keeps his name
        assert i18n.tr(Msg("{name} ({role})", name="registrar", role="registrar")) == "registrar (регистратор)"
        assert "дек" in i18n.tr(Msg("{list}, imported by {user} on {day}", list="L", user="kim",
                                    day=Day("2026-12-02")))


def test_a_flash_is_shown_in_the_readers_language(client, world):
    client.headers["accept-language"] = "uk"
    sign_in(client, "registrar")
    token = csrf_of(client.get(f"/persons/{world.paek}").text)
    r = client.post(f"/persons/{world.paek}/status", data={"to_status": "captured", "place": "Camp 1",
                                                           "csrf_token": token}, follow_redirects=True)
    assert r.status_code == 200
    assert "не може змінитися" in r.text and "cannot go from" not in r.text


def test_api_error_message_follows_accept_language_else_english(client, world):
    r = client.get("/api/persons/NOPE", auth=("registrar", PASSWORD), headers={"accept-language": "ru"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert r.json()["error"]["message"].startswith("нет лица с идентификатором 'NOPE'")
    r = client.get("/api/persons/NOPE", auth=("registrar", PASSWORD), headers={"accept-language": ""})
    assert r.json()["error"]["message"].startswith("no person with id 'NOPE'")


# ----- the language per user (profile) ----------------------------------------------------------------------------
def test_the_profile_language_beats_accept_language_and_follows_the_user(app, world):
    from fastapi.testclient import TestClient

    from powbureau.domain.roles import Actor
    from powbureau.services import preferences

    with TestClient(app, follow_redirects=False) as c:  # asks for English (the web tests' default header)
        sign_in(c, "registrar")
        page = c.get("/profile")
        assert page.status_code == 200 and 'name="language" value="ko"' in page.text
        r = c.post("/profile", data={"language": "ko", "csrf_token": csrf_of(page.text)})
        assert r.status_code == 303
        after = c.get("/profile")
        assert '<html lang="ko">' in after.text and "설정을 저장했습니다" in after.text
        # the switcher still changes this session only
        c.get("/lang/ru", params={"next": "/"})
        assert '<html lang="ru">' in c.get("/profile").text
    assert preferences.language(world.bureau.uow, Actor("registrar", "registrar")) == "ko"
    with TestClient(app, follow_redirects=False) as other:  # another computer, an English browser
        sign_in(other, "registrar")
        assert '<html lang="ko">' in other.get("/").text
        page = other.get("/profile")
        other.post("/profile", data={"language": "", "csrf_token": csrf_of(page.text)})
        assert '<html lang="en">' in other.get("/").text  # back to the browser's language
    with TestClient(app, follow_redirects=False) as c:
        sign_in(c, "registrar")
        page = c.get("/profile")
        r = c.post("/profile", data={"language": "xx", "csrf_token": csrf_of(page.text)}, follow_redirects=True)
        assert "unknown language &#39;xx&#39;" in r.text


def test_the_profile_choice_is_audited(world):
    from sqlalchemy import select

    from powbureau.domain.roles import Actor
    from powbureau.services import preferences
    from powbureau.store.tables import audit_log

    preferences.set_language(world.bureau.uow, Actor("medical", "medical"), "uk")
    with world.bureau.uow.read() as conn:
        row = conn.execute(select(audit_log).where(audit_log.c.action == "user.language")).mappings().first()
    assert row["actor"] == "medical" and row["target"] == "medical"


# ----- the capture card in the bureau's and the prisoner's languages side by side (Annex IV) ---------------------
def test_paek_capture_card_prints_ukrainian_and_korean_labels_side_by_side(browser_for, world):
    import shutil
    import subprocess

    from .conftest import add_person

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not found: apt-get install -y poppler-utils")
    pid = add_person(world.bureau, "detainee", [
        ("name_full", "백광혁", "self_declared", "interview 7"),
        ("language", "ko", "self_declared", "interview 7"),
        ("serving_power", "KP", "self_declared", "interview 7"),
        ("birth_date", "1998-03-14", "self_declared", "interview 7"),
    ])
    r = browser_for("registrar").get(f"/persons/{pid}/capture-card.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=r.content, capture_output=True,
                          check=True).stdout.decode()
    plain = subprocess.run(["pdftotext", "-", "-"], input=r.content, capture_output=True, check=True).stdout.decode()
    flat = " ".join(plain.replace("\u202f", " ").split())
    for uk in ("КАРТКА ПРО ВЗЯТТЯ В", "ВІЙСЬКОВОПОЛОНЕНОГО", "військовополонений", "Прізвище",
               "Дата народження", "14 березня 1998 р."):
        assert uk in flat, uk
    for ko in ("전쟁포로 포획 카드", "포로가 의존하는 국가", "생년월일", "백", "광혁"):
        assert ko in flat, ko
    assert "CAPTURE CARD FOR PRISONER OF WAR" in flat  # and English for the CTA
    # side by side: the Ukrainian and the Korean label of item 5 on one line of the page
    line = next(x for x in text.splitlines() if "Дата народження" in x)
    assert "생년월일" in line, line


def test_the_template_catalogue_holds_every_message_of_the_code():
    """A new ``Msg(...)``, ``N_()`` or template string fails here until ``pybabel extract`` (README) ran."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    root = WEB.parents[2]  # the repository: babel.cfg names its paths from there
    with (root / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "Msg": None}
    found = {m[2] if isinstance(m[2], str) else m[2][0]
             for m in extract_from_dir(str(root), method_map, options_map, keywords=keywords)}
    with (WEB / "locale" / "messages.pot").open("rb") as f:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    missing = sorted(found - template)
    assert not missing, f"{len(missing)} messages not extracted (run pybabel extract/update): {missing[:10]}"


@pytest.mark.parametrize(("lang", "expected", "english"), [
    ("uk", "Північна Корея", "Democratic People's Republic of Korea"),
    ("ko", "북한", "Democratic People's Republic of Korea"),
    ("en", "Democratic People's Republic of Korea", None),
])
def test_country_names_follow_the_page_language(client, world, lang, expected, english):
    """Found by a new user: country names stayed English on Ukrainian pages (the Power on which he depends, the
    issuer list of the document form). Codes stay in the store; CLDR names (Babel) on the page."""
    from powbureau.services import registry
    from .conftest import OPERATOR

    registry.add_statement(world.bureau.uow, OPERATOR, world.paek, "serving_power", "KP",
                           source_kind="self_declared", source_ref="interview 1")
    client.headers["accept-language"] = lang
    sign_in(client, "registrar")
    import html

    page = html.unescape(client.get(f"/persons/{world.paek}").text)
    facts = page.split('id="issuing_state"')[0]
    assert expected in facts
    if english:
        assert english not in facts
    form = re.search(r'<select id="issuing_state".*?</select>', page, re.S)
    assert form is None or expected in form.group(0)


ENGLISH_DOCUMENT_WORDS = ("military ID", "belongs to the bearer", "issued to another person", "owner unknown",
                          "not yet judged", "with the prisoner (Art. 18)", "identity disc", ">forged<")


def test_a_document_on_a_ukrainian_person_page_speaks_ukrainian(client, world):
    """Found by a new user: the document's type, its custody, the judgement options and its state, and the names
    table's "Recorded as" stayed English (raw codes) on Ukrainian pages; so did the judgement's flash."""
    import html

    from powbureau.services import documents

    from .conftest import OPERATOR

    doc = documents.add_document(world.bureau.uow, OPERATOR, world.paek, doc_type="military_id",
                                 issuing_state="RU", number="АК 4417290",
                                 claims=[("name_full", "Монгуш Айдыс Сергеевич")], found_place="Camp 1")
    client.headers["accept-language"] = "uk"
    sign_in(client, "registrar")
    raw = client.get(f"/persons/{world.paek}").text
    page = html.unescape(raw)
    assert "військовий квиток АК 4417290" in page and "у військовополоненого (ст. 18)" in page
    assert "ще не вирішено" in page
    judge = re.search(r'<select id="judgement-[^"]*".*?</select>', page, re.S).group(0)
    for word in ("належить пред'явникові", "виданий іншій особі", "підроблений", "власник невідомий"):
        assert word in judge
    assert "повне ім'я" in page or "повне ім’я" in page
    section = re.search(r'<section id="documents".*?</section>', page, re.S).group(0)
    assert not [w for w in ENGLISH_DOCUMENT_WORDS if w in section] and "name full" not in page
    assert "військовий квиток АК 4417290 (Росія)" in page  # the names' source: the document, in Ukrainian
    conflicts = re.search(r'<section class="conflicts".*?</section>', page, re.S).group(0)
    assert "прізвище: " in conflicts and " проти " in conflicts and " vs " not in conflicts
    r = client.post(f"/documents/{doc['id']}/judge", data={"person_id": world.paek, "judgement": "forged",
                                                           "reason": "фото не збігається", "csrf_token": csrf_of(raw)},
                    follow_redirects=True)
    assert r.status_code == 200 and "підроблений" in r.text and ": forged" not in r.text


def test_a_refusal_says_in_words_what_the_user_may_not_do(client, world):
    """Found by a new user: the negotiator's 403 page named the raw permission ``wish.read``. Every permission has
    its words; the page says them in the reader's language (the CLI keeps the code)."""
    from powbureau.domain.roles import PERMISSIONS
    from powbureau.web.present import PERMISSION_WORDS

    assert set(PERMISSION_WORDS) == set(PERMISSIONS)
    client.headers["accept-language"] = "uk"
    sign_in(client, "negotiator")
    r = client.get("/wishes")
    assert r.status_code == 403 and "не має права читати бажання щодо репатріації" in r.text
    assert "wish.read" not in r.text


def test_the_notifications_page_shows_rule_and_event_in_ukrainian(client, world):
    """Found by a new user: the rule column stayed English and the event column showed ``status:2``."""
    from powbureau.services import registry

    from .conftest import OPERATOR

    registry.change_status(world.bureau.uow, OPERATOR, world.paek, "interned", place="Camp 3")  # a card is due
    client.headers["accept-language"] = "uk"
    sign_in(client, "registrar")
    page = html_text(client.get("/notifications").text)
    assert "ЖК III ст. 70: картка полоненого протягом тижня" in page and "зміна статусу №" in page
    assert "GC III Art. 70: capture card" not in page and not re.search(r">status:\d+<", page)


def html_text(text: str) -> str:
    import html

    return html.unescape(text)


def test_a_web_registration_names_its_source_in_ukrainian(client, world):
    """Found by a new user: the names table's source read "registered on the web by registrar" on Ukrainian
    pages."""
    client.headers["accept-language"] = "uk"
    sign_in(client, "registrar")
    token = csrf_of(client.get("/persons/new").text)
    r = client.post("/persons", data={"kind": "detainee", "surname": "Ким", "given_names": "Чоль", "register": "1",
                                      "csrf_token": token})
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "зареєстровано у вебінтерфейсі користувачем registrar" in page
    assert "registered on the web by" not in page


def test_a_persons_audit_trail_names_actions_in_ukrainian(client, world):
    """Found while checking the new user's report: the person page's audit trail showed the bare ``person.add``."""
    client.headers["accept-language"] = "uk"
    sign_in(client, "auditor")
    page = client.get(f"/persons/{world.paek}").text
    assert "<td>person.add</td>" not in page and '<span title="person.add">' in page
    assert "особу додано" in page
