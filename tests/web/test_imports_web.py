"""Issue 9, Build 3: a list imported on the web — upload, preview (encoding, delimiter, first rows, mapping), then
the full row/column error report or the stored result with the rejects file — credited to the signed-in user."""

from __future__ import annotations

import re

from sqlalchemy import select

from powbureau.store.tables import lists, persons

from .conftest import csrf_of

GOOD = "Nummer;Familienname;given_name;birth_date\nA-1;Kim;Chol-su;1999\nA-2;Ri;Yong-ho;2001-03\n"
BAD = "external_id,name_full,birth_date\nB-1,Pak Song,1998\nB-2,Kang Min,31-31-1990\nB-3,Yun Ho,2000\n"


def _upload(b, name: str, text: str, kind: str = "detainees", label: str = ""):
    token = csrf_of(b.get("/imports").text)
    return b.post("/imports", data={"kind": kind, "label": label, "csrf_token": token},
                  files={"file": (name, text.encode("utf-8"), "text/csv")})


def _confirm(b, preview_html: str, **fields):
    action = re.search(r'<form method="post" action="(/imports/[A-Za-z0-9_-]+)"', preview_html).group(1)
    data = {"kind": "detainees", "label": "", "csrf_token": csrf_of(preview_html), "action": "import", **fields}
    return b.post(action, data=data)


def test_registrar_uploads_maps_and_imports_a_csv_credited_to_him(browser_for, world):
    b = browser_for("registrar")
    assert 'href="/imports"' in b.get("/").text
    r = _upload(b, "kpa_list.csv", GOOD, label="KPA list March")
    assert r.status_code == 200, r.text
    page = r.text
    assert re.search(r'id="delimiter">semicolon <code>;</code>', page)
    assert re.search(r'id="encoding">utf-8', page) and "Chol-su" in page and "Yong-ho" in page
    assert "Nummer" in page and "unknown column" in page  # the two unknown headers must be mapped first
    r = _confirm(b, page, label="KPA list March", map_0="external_id", map_1="surname")
    assert r.status_code == 200, r.text
    assert re.search(r'id="imported">2<', r.text) and re.search(r'id="rejected">0<', r.text)
    list_id = re.search(r'id="list-id">([0-9A-Z]{26})<', r.text).group(1)
    with world.bureau.uow.read() as conn:
        lst = conn.execute(select(lists).where(lists.c.id == list_id)).mappings().one()
        pids = conn.execute(select(persons.c.id).where(persons.c.list_id == list_id)
                            .order_by(persons.c.external_id)).scalars().all()
    assert lst["imported_by"] == "registrar" and lst["label"] == "KPA list March" and len(pids) == 2
    person = b.get(f"/persons/{pids[0]}").text
    assert "Chol-su" in person and "KPA list March (kpa_list.csv), row 2, imported by registrar" in person
    assert "operator" not in person


def test_a_bad_row_gives_the_row_and_column_and_skip_invalid_stores_the_rest(browser_for, world):
    b = browser_for("registrar")
    page = _upload(b, "bad.csv", BAD).text
    assert 'id="delimiter">comma' in page
    r = _confirm(b, page)
    assert r.status_code == 422
    assert re.search(r"<li>row 3, column birth_date: [^<]+</li>", r.text) and "Nothing was imported" in r.text
    with world.bureau.uow.read() as conn:
        assert conn.execute(select(lists.c.id).where(lists.c.filename == "bad.csv")).first() is None
    r = _confirm(b, r.text, skip_invalid="true")
    assert r.status_code == 200, r.text
    assert re.search(r'id="imported">2<', r.text) and re.search(r'id="rejected">1<', r.text)
    link = re.search(r'href="(/imports/[A-Za-z0-9_-]+/rejects\.csv)"', r.text).group(1)
    rejects = b.get(link)
    assert rejects.status_code == 200 and "Kang Min" in rejects.text and "row" in rejects.text.splitlines()[0]
    assert browser_for("admin", world.admin_password).get(link).status_code == 404  # only the uploader's


def test_other_roles_get_403_and_csrf_is_required(browser_for, world):
    n = browser_for("negotiator")
    assert n.get("/imports").status_code == 403
    assert 'href="/imports"' not in n.get("/").text
    token = csrf_of(n.get("/").text) if 'name="csrf_token"' in n.get("/").text else n.get("/api/me").json()[
        "csrf_token"]
    r = n.post("/imports", data={"kind": "detainees", "csrf_token": token},
               files={"file": ("x.csv", GOOD.encode(), "text/csv")})
    assert r.status_code == 403
    b = browser_for("registrar")
    r = b.post("/imports", data={"kind": "detainees"}, files={"file": ("x.csv", GOOD.encode(), "text/csv")})
    assert r.status_code == 403 and "security token" in r.text
    page = _upload(b, "good.csv", GOOD).text
    action = re.search(r'action="(/imports/[A-Za-z0-9_-]+)"', page).group(1)
    assert b.post(action, data={"kind": "detainees", "action": "import"}).status_code == 403
    with world.bureau.uow.read() as conn:
        assert conn.execute(select(lists.c.id)).first() is None


def test_the_upload_route_alone_takes_files_over_the_normal_body_limit(browser_for, world):
    b = browser_for("registrar")
    rows = "".join(f"C-{i},Person Number{i},1990\n" for i in range(60000))
    big = "external_id,name_full,birth_date\n" + rows
    assert len(big) > 1024 * 1024
    r = _upload(b, "big.csv", big)
    assert r.status_code == 200, r.text[:500]
    assert "Person Number0" in r.text
    token = csrf_of(r.text)
    assert b.post("/search", data={"q": "x" * (1024 * 1024 + 10), "csrf_token": token}).status_code == 413


def test_checking_the_mapping_shows_each_column_with_its_own_choice(browser_for, world):
    """Found by a new user: "check the mapping" showed every column as the same property (the inner loop's index
    hid the column's), so the import that followed refused every header as mapped twice."""
    b = browser_for("registrar")
    page = _upload(b, "kpa_list.csv", GOOD).text
    r = _confirm(b, page, action="preview", map_0="external_id", map_1="surname", map_2="given_name")
    assert r.status_code == 200, r.text
    for col, prop in ((0, "external_id"), (1, "surname"), (2, "given_name")):
        select_html = re.search(rf'<select id="map_{col}".*?</select>', r.text, re.S).group(0)
        assert re.findall(r'<option value="([a-z_]+)" selected>', select_html) == [prop]
    r = _confirm(b, r.text, map_0="external_id", map_1="surname", map_2="given_name")
    assert re.search(r'id="imported">2<', r.text) and re.search(r'id="rejected">0<', r.text)


def test_an_unknown_column_is_explained_as_the_page_maps_it_not_with_cli_flags(browser_for):
    b = browser_for("registrar")
    page = _upload(b, "dva.csv", "dva_id,name_full,birth_date\nD-1,Pak Song,1998\n").text
    assert "column dva_id: unknown column — choose its property in that column's menu below" in page
    assert "--map" not in page
    r = _confirm(b, page)  # importing anyway: the full report words it the same way
    assert r.status_code == 422
    errors = re.search(r'<ul id="errors">(.*?)</ul>', r.text, re.S).group(1)
    assert "column dva_id: unknown column — choose its property" in errors.replace("&#39;", "'")
    assert "--map" not in errors
    uk = b.post("/imports", data={"kind": "detainees", "label": "", "csrf_token": csrf_of(b.get("/imports").text)},
                files={"file": ("dva.csv", b"dva_id,name_full\nD-1,Pak Song\n", "text/csv")},
                headers={"accept-language": "uk"}).text
    assert "стовпець dva_id: невідомий стовпець — виберіть його властивість у меню цього стовпця" in uk
