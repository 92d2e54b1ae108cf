"""The Thai web pages: log in, books, upload with problems by cell, build, downloads, Buddhist-era dates."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from assembler.service.thaidate import thai_datetime

from .conftest import PASSWORD, client_for, csrf_of, minimal_yaml, pdf_page_count, workbook_with_mistake


def web_login(app, username: str):
    client = client_for(app)
    form = client.get("/login")
    assert form.status_code == 200 and "เข้าสู่ระบบ" in form.text
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(form.text)},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    return client


def test_login_page(world):
    client = client_for(world.app)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    form = client.get("/login")
    token = csrf_of(form.text)
    wrong = client.post("/login", data={"username": "alice", "password": "ผิด", "csrf_token": token})
    assert wrong.status_code == 401 and "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in wrong.text
    no_csrf = client_for(world.app).post("/login", data={"username": "alice", "password": PASSWORD})
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.text
    client = web_login(world.app, "alice")
    home = client.get("/")
    assert "แผนดำเนินงาน 2566" in home.text and "แผนของบี" not in home.text
    assert "เทศบาลตำบลเอ (ผู้แก้ไข)" in home.text
    assert "/api/book-types/operations/blank.xlsx" in home.text
    out = client.post("/logout", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False)
    assert out.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_upload_problems_build_and_download(world):
    client = web_login(world.app, "alice")
    page = client.get(f"/books/{world.book_a}")
    csrf = csrf_of(page.text)
    assert 'id="upload"' in page.text

    # a workbook with a mistake: kept, its problem listed with the sheet and cell, no build button
    response = client.post(f"/books/{world.book_a}/upload", data={"csrf_token": csrf, "note": "ลองส่ง"},
                           files={"file": ("แผน.xlsx", workbook_with_mistake())})
    assert response.status_code == 200 and "/revisions/" in str(response.url)
    assert "ระยะเวลา!B3" in response.text and "ตุลา" in response.text
    assert "ข้อผิดพลาด" in response.text and 'id="build"' not in response.text

    # the good records: no problems, build, the page shows the finished build and its downloads
    response = client.post(f"/books/{world.book_a}/upload", data={"csrf_token": csrf, "note": "ฉบับแก้"},
                           files={"file": ("plan.yaml", minimal_yaml())})
    assert 'id="no-problems"' in response.text and 'id="build"' in response.text
    revision_url = str(response.url)
    built = client.post(revision_url.replace("http://testserver", "") + "/build", data={"csrf_token": csrf})
    assert built.status_code == 200 and "เสร็จแล้ว" in built.text
    assert 'http-equiv="refresh"' not in built.text  # nothing left to wait for
    pdf_link = re.search(r'href="(/api/builds/\d+/pdf)"', built.text).group(1)
    assert pdf_page_count(client.get(pdf_link).content) > 1

    book = client.get(f"/books/{world.book_a}").text
    assert "ลองส่ง" in book and "ฉบับแก้" in book and "อลิซ" in book
    # the book's page shows its latest book: thumbnails of the first pages, served to its organisation only
    thumbs = re.findall(r'<img src="(/api/builds/\d+/thumbnails/\d\.png)"', book)
    assert len(thumbs) == 3 and thumbs[0] in pdf_link.replace("/pdf", "/thumbnails/1.png")
    assert client.get(thumbs[0]).content.startswith(b"\x89PNG")
    bob = web_login(world.app, "bob")
    assert bob.get(thumbs[0]).status_code == 404
    year = datetime.now(timezone.utc).year + 543
    assert str(year) in book or str(year + 1) in book  # Buddhist era (Bangkok time may be in the next year)


def test_upload_refusals_are_shown_in_thai(world):
    client = web_login(world.app, "alice")
    csrf = csrf_of(client.get(f"/books/{world.book_a}").text)
    junk = client.post(f"/books/{world.book_a}/upload", data={"csrf_token": csrf},
                       files={"file": ("junk.xlsx", b"not a workbook" * 20)})
    assert junk.status_code == 422 and 'id="upload-error"' in junk.text
    big = client.post(f"/books/{world.book_a}/upload", data={"csrf_token": csrf},
                      files={"file": ("big.yaml", b"#" * (world.app.state.settings.max_upload + 1))})
    assert big.status_code == 413 and "ไฟล์ใหญ่เกินกำหนด" in big.text
    no_csrf = client.post(f"/books/{world.book_a}/upload", files={"file": ("plan.yaml", minimal_yaml())})
    assert no_csrf.status_code == 403
    assert "ยังไม่มีไฟล์" in client.get(f"/books/{world.book_a}").text  # none of them was kept


def test_create_book_page(world):
    client = web_login(world.app, "alice")
    csrf = csrf_of(client.get("/").text)
    made = client.post("/books", data={"csrf_token": csrf, "organisation_id": world.org_a, "name": "แผนป้องกันการทุจริต",
                                       "book_type": "anticorruption"})
    assert made.status_code == 200 and "แผนปฏิบัติการป้องกันการทุจริต" in made.text
    foreign = client.post("/books", data={"csrf_token": csrf, "organisation_id": world.org_b, "name": "x",
                                          "book_type": "operations"})
    assert foreign.status_code == 404


@pytest.mark.parametrize("name", ["vera", "rita"])
def test_readers_get_no_upload_form(world, name):
    page = web_login(world.app, name).get(f"/books/{world.book_a}").text
    assert 'id="upload"' not in page and "ยังไม่มีไฟล์" in page


def test_thai_dates():
    assert thai_datetime(datetime(2026, 12, 2, 19, 5, tzinfo=timezone.utc)) == "3 ธ.ค. 2569 02:05 น."
    assert thai_datetime(datetime(2026, 1, 1, 0, 0)) == "1 ม.ค. 2569 07:00 น."  # stored without a zone: UTC
    assert thai_datetime(None) == "-"


def test_pages_bring_their_thai_font(world):
    client = client_for(world.app)
    page = client.get("/login").text
    assert 'url("/fonts/regular.ttf")' in page and 'url("/fonts/bold.ttf")' in page
    for weight in ("regular", "bold"):
        font = client.get(f"/fonts/{weight}.ttf")
        assert font.status_code == 200 and font.content[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true")
    assert client.get("/fonts/italic.ttf").status_code == 404
