"""Support for the walk of the motivating case (test_walk.py): one signed-in Chromium context per role with the
UI language chosen through the switcher, a 1300x900 viewport, and a `look` at each page that saves its full-page
screenshot ``<lang>-<step>-<role>.png`` and runs axe-core on it.

axe-core comes from the pinned ``axe-playwright-python`` package (its bundled ``axe.min.js``, injected into the
page; nothing is downloaded). Findings of impact serious or critical are collected per page; the walk fails at
its end listing each rule id, target and page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from powbureau.web.i18n import gettext, use_locale
from powbureau.web.present import label

from .conftest import shot

VIEWPORT = {"width": 1300, "height": 900}
BLOCKING = ("serious", "critical")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
UKRAINIAN_LETTERS = re.compile(r"[іїєґІЇЄҐ]")  # letters Russian does not have
LOCALES = {"uk": "uk-UA", "ko": "ko-KR"}


def axe_script() -> str:
    """axe.min.js as shipped by the pinned axe-playwright-python package."""
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def blocking_violations(page, script: str) -> list[tuple[str, str, list, str]]:  # noqa: ANN001
    """Inject axe-core (``script``) into ``page`` and run it; each node of a serious or critical violation as
    ``(impact, rule id, target selectors, help text)``."""
    page.evaluate(script)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["impact"], v["id"], node["target"], v["help"])
            for v in result["violations"] if v.get("impact") in BLOCKING for node in v["nodes"]]


def tr(lang: str, message: str) -> str:
    """``message`` (an English msgid) as the pages show it in ``lang``."""
    with use_locale(lang):
        return gettext(message)


def word(lang: str, code: str) -> str:
    """A domain code (``remain``, ``agreed``) as the pages show it in ``lang`` (``_(label(code))``)."""
    return tr(lang, label(code))


@dataclass
class Walk:
    """The walk in one language on one served bureau: ``base`` URL, ``lang``, the browser, the demo passwords;
    ``findings`` collects axe violations (serious or critical) as readable lines."""

    base: str
    lang: str
    browser: object
    passwords: dict[str, str]
    contexts: list = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    step: int = 0
    axe: str = field(default_factory=axe_script)

    def sign_in(self, user: str, *, look_at_login: bool = False):  # noqa: ANN201
        """A new page signed in as ``user``, the language chosen through the switcher (``/lang/<code>``)."""
        ctx = self.browser.new_context(viewport=VIEWPORT, locale=LOCALES[self.lang], accept_downloads=True)
        self.contexts.append(ctx)
        page = ctx.new_page()
        page.goto(f"{self.base}/lang/{self.lang}?next=/login")
        assert page.locator("html").get_attribute("lang") == self.lang
        if look_at_login:
            self.look(page, "login", user)
        page.fill("input[name=user]", user)
        page.fill("input[name=password]", self.passwords[user])
        page.click("form[action='/login'] button[type=submit], button[type=submit]")
        page.wait_for_url(f"{self.base}/")
        return page

    def look(self, page, name: str, role: str) -> None:  # noqa: ANN001
        """Screenshot the page (full page) as ``<lang>-<nn>-<name>-<role>.png`` and check it with axe-core."""
        self.step += 1
        shot(page, f"{self.lang}-{self.step:02d}-{name}-{role}")
        for impact, rule, target, help_ in blocking_violations(page, self.axe):
            self.findings.append(f"{impact} {rule} at {target} on {page.url} ({self.lang}, {role}): {help_}")

    def language_shown(self, page) -> None:  # noqa: ANN001
        """The page is in the walk's language: its nav labels are the catalogue's and in the right script."""
        nav = page.locator("nav.main").inner_text()
        assert tr(self.lang, "Registry") in nav and tr(self.lang, "Registry") != "Registry", nav
        script = HANGUL if self.lang == "ko" else UKRAINIAN_LETTERS
        assert script.search(page.locator("main").inner_text() + nav), f"no {self.lang} text on {page.url}"

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()


def row_of(page, person_id: str):  # noqa: ANN001, ANN201
    """The table row that links to person ``person_id``."""
    return page.locator(f"tr:has(a[href='/persons/{person_id}'])")


def fill_field(page, form: str, name: str, value: str) -> None:  # noqa: ANN001
    """Set field ``name`` of ``form`` whatever its kind (select, radio, text)."""
    el = page.locator(f"{form} [name={name}]")
    tag = el.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
    if tag.startswith("select"):
        el.first.select_option(value)
    elif tag.endswith(":radio") or tag.endswith(":checkbox"):
        page.check(f"{form} [name={name}][value='{value}']")
    else:
        el.first.fill(value)
