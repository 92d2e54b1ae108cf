"""The JSON API: log-in, tokens, uploads, problems, builds, downloads, and who may see what."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from assembler.errors import PlanbookError
from assembler.service import books

from .conftest import (
    PASSWORD,
    client_for,
    login,
    minimal_yaml,
    pdf_page_count,
    pdf_text,
    workbook_with_mistake,
)


def upload(client, csrf, book_id, name, data, note=""):
    return client.post(f"/api/books/{book_id}/revisions", files={"file": (name, data)}, data={"note": note},
                       headers={"X-CSRF-Token": csrf})


def test_login_and_me(world):
    client = client_for(world.app)
    assert client.get("/api/me").status_code == 401
    wrong = client.post("/api/login", json={"username": "alice", "password": "ผิด"})
    assert wrong.status_code == 401
    assert "รหัสผ่านไม่ถูกต้อง" in wrong.json()["detail"]["thai"]
    assert client.post("/api/login", json={"username": "nobody", "password": PASSWORD}).status_code == 401
    client, csrf = login(world.app, "alice")
    me = client.get("/api/me").json()
    assert me["username"] == "alice" and csrf
    assert [(m["organisation"], m["role"]) for m in me["organisations"]] == [("เทศบาลตำบลเอ", "editor")]
    assert client.post("/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/me").status_code == 401


@pytest.mark.parametrize("headers", [
    {"Content-Type": "text/plain;charset=UTF-8"},  # what another site's page may post without asking
    {"Content-Type": "application/x-www-form-urlencoded"},
    {"Content-Type": "multipart/form-data; boundary=x"},
    {},  # a fetch() of a Blob without a type sends no Content-Type
    {"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"},
    {"Content-Type": "application/json", "Sec-Fetch-Site": "same-site"},
])
def test_json_login_refuses_what_another_site_could_send(world, headers):
    body = json.dumps({"username": "alice", "password": PASSWORD}).encode()
    client = client_for(world.app)
    response = client.post("/api/login", content=body, headers=headers)
    assert response.status_code == 403, response.text
    assert "JSON" in response.json()["detail"]["thai"] and "planbook_session" not in response.headers.get("set-cookie", "")
    assert client.get("/api/me").status_code == 401
    # the same body as JSON from the service's own page (or a script) logs in
    for own in ({"Content-Type": "application/json"}, {"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin"}):
        assert client_for(world.app).post("/api/login", content=body, headers=own).status_code == 200


def test_books_are_scoped_to_the_users_organisations(world):
    alice, _ = login(world.app, "alice")
    assert [b["id"] for b in alice.get("/api/books").json()] == [world.book_a]
    bob, _ = login(world.app, "bob")
    assert [b["id"] for b in bob.get("/api/books").json()] == [world.book_b]
    rita, _ = login(world.app, "rita")
    assert sorted(b["id"] for b in rita.get("/api/books").json()) == sorted([world.book_a, world.book_b])


def test_upload_yaml_build_and_download(world):
    client, csrf = login(world.app, "alice")
    response = upload(client, csrf, world.book_a, "plan.yaml", minimal_yaml(), "ฉบับแรก")
    assert response.status_code == 201, response.text
    revision = response.json()
    assert (revision["number"], revision["error_count"], revision["note"]) == (1, 0, "ฉบับแรก")
    assert revision["uploaded_by"] == "อลิซ"

    started = client.post(f"/api/revisions/{revision['id']}/builds", headers={"X-CSRF-Token": csrf})
    assert started.status_code == 202, started.text
    build = client.get(f"/api/builds/{started.json()['id']}").json()  # immediate mode: already run
    assert build["status"] == "done", build["message"]
    pdf = client.get(build["pdf_url"])
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf_page_count(pdf.content) == build["pages"] > 1
    assert "โครงการก่อสร้างถนน" in pdf_text(pdf.content)
    docx = client.get(build["docx_url"])
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(docx.content)).namelist()

    # thumbnails of the first three pages: PNGs 200 px wide, portrait like the pages
    assert build["thumbnail_urls"] == [f"/api/builds/{build['id']}/thumbnails/{n}.png" for n in (1, 2, 3)]
    for url in build["thumbnail_urls"]:
        png = client.get(url)
        assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = int.from_bytes(png.content[16:20], "big"), int.from_bytes(png.content[20:24], "big")
        assert width == 200 and 250 < height < 300, (width, height)  # A4 portrait
    first, second = (client.get(u).content for u in build["thumbnail_urls"][:2])
    assert first != second
    assert client.get(f"/api/builds/{build['id']}/thumbnails/4.png").status_code == 404

    # identical inputs (the same file again, as a new revision) return the earlier build at once
    again = upload(client, csrf, world.book_a, "plan.yaml", minimal_yaml()).json()
    assert again["number"] == 2
    reused = client.post(f"/api/revisions/{again['id']}/builds", headers={"X-CSRF-Token": csrf})
    assert reused.status_code == 200
    assert reused.json()["id"] == build["id"] and reused.json()["reused"] is True

    # the records of a revision, as a workbook that reads back without problems
    workbook = client.get(f"/api/revisions/{revision['id']}/workbook.xlsx")
    assert workbook.status_code == 200
    assert "ระยะเวลา" in load_workbook(io.BytesIO(workbook.content)).sheetnames
    checked = client.post("/api/validate", files={"file": ("back.xlsx", workbook.content)}, headers={"X-CSRF-Token": csrf})
    assert checked.json()["error_count"] == 0 and checked.json()["book"] == "operations"
    assert client.get(f"/api/revisions/{revision['id']}/file").content == minimal_yaml()

    book = client.get(f"/api/books/{world.book_a}").json()
    assert [r["number"] for r in book["revisions"]] == [2, 1]
    assert book["latest_build"]["status"] == "done"
    for moment in (book["latest_build"]["created_at"], book["latest_build"]["finished_at"], book["revisions"][0]["uploaded_at"]):
        assert moment.endswith(("Z", "+00:00")), moment  # read back from the database, with its zone


def test_workbook_with_mistakes_lists_problems_by_cell(world):
    client, csrf = login(world.app, "alice")
    response = upload(client, csrf, world.book_a, "แผน.xlsx", workbook_with_mistake())
    assert response.status_code == 201, response.text
    revision = response.json()
    assert revision["error_count"] >= 1
    problem = next(p for p in revision["problems"] if p["severity"] == "error")
    assert problem["where"].startswith("ระยะเวลา!B3")
    assert "ตุลา" in problem["thai"] and "ตุลา" in problem["english"]
    assert problem["file"] == "แผน.xlsx"
    refused = client.post(f"/api/revisions/{revision['id']}/builds", headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 409
    assert "แก้ข้อผิดพลาด" in refused.json()["detail"]["thai"]


def test_yaml_problems_have_lines(world):
    client, csrf = login(world.app, "alice")
    broken = minimal_yaml().replace(b"budget: 500000", "budget: ห้าแสน".encode())
    revision = upload(client, csrf, world.book_a, "plan.yaml", broken).json()
    errors = [p for p in revision["problems"] if p["severity"] == "error"]
    assert errors and errors[0]["line"] == minimal_yaml().split(b"budget: 500000")[0].count(b"\n") + 1


def test_records_of_another_book_type_are_an_error(world):
    client, csrf = login(world.app, "alice")
    from ..conftest import FIXTURES

    revision = upload(client, csrf, world.book_a, "ac.yaml", (FIXTURES / "minimal.yaml").read_bytes()).json()
    assert revision["records_book"] == "anticorruption"
    assert revision["problems"][0]["where"] == "book" and revision["error_count"] >= 1


@pytest.mark.parametrize("name,data,says", [
    ("junk.xlsx", b"this is not a workbook at all" * 10, "xlsx"),
    ("notes.txt", b"hello", ".json"),
    ("empty.yaml", b"", "ว่างเปล่า"),
])
def test_junk_is_refused_with_its_message(world, name, data, says):
    client, csrf = login(world.app, "alice")
    response = upload(client, csrf, world.book_a, name, data)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail["thai"] and detail["english"] and says in detail["message"]
    assert client.get(f"/api/books/{world.book_a}").json()["revisions"] == []  # nothing kept


def test_upload_over_the_limit_is_413_in_thai(world):
    client, csrf = login(world.app, "alice")
    limit = world.app.state.settings.max_upload
    big = b"#" * (limit + 1)
    response = upload(client, csrf, world.book_a, "big.yaml", big)
    assert response.status_code == 413
    assert "ไฟล์ใหญ่เกินกำหนด" in response.json()["detail"]["thai"]
    huge = b"#" * (limit + 200_000)  # refused from its Content-Length, before it is read
    response = upload(client, csrf, world.book_a, "huge.yaml", huge)
    assert response.status_code == 413 and "ไฟล์ใหญ่เกินกำหนด" in response.json()["detail"]["thai"]


def test_viewer_and_reviewer_read_but_do_not_change(world):
    alice, csrf = login(world.app, "alice")
    revision = upload(alice, csrf, world.book_a, "plan.yaml", minimal_yaml()).json()
    for name in ("vera", "rita"):
        client, token = login(world.app, name)
        assert client.get(f"/api/revisions/{revision['id']}").status_code == 200
        assert upload(client, token, world.book_a, "plan.yaml", minimal_yaml()).status_code == 403
        built = client.post(f"/api/revisions/{revision['id']}/builds", headers={"X-CSRF-Token": token})
        assert built.status_code == 403
        assert "อ่านอย่างเดียว" in built.json()["detail"]["thai"] or "ดูได้อย่างเดียว" in built.json()["detail"]["thai"]
    rita, _ = login(world.app, "rita")
    assert rita.get(f"/api/books/{world.book_b}").status_code == 200


def test_csrf_is_required_on_changes_with_a_session(world):
    client, csrf = login(world.app, "alice")
    no_token = client.post(f"/api/books/{world.book_a}/revisions", files={"file": ("plan.yaml", minimal_yaml())})
    assert no_token.status_code == 403
    assert "CSRF" in no_token.json()["detail"]["thai"]
    wrong = client.post(f"/api/books/{world.book_a}/revisions", files={"file": ("plan.yaml", minimal_yaml())},
                        headers={"X-CSRF-Token": "not-it"})
    assert wrong.status_code == 403
    assert client.post("/api/tokens", json={"name": "x"}).status_code == 403
    assert client.post("/api/logout").status_code == 403
    body = {"organisation_id": world.org_a, "name": "เล่มใหม่", "book_type": "anticorruption"}
    assert client.post("/api/books", json=body).status_code == 403
    created = client.post("/api/books", json=body, headers={"X-CSRF-Token": csrf})
    assert created.status_code == 201 and created.json()["book_type"] == "anticorruption"


def test_api_tokens_need_no_csrf(world):
    client, csrf = login(world.app, "alice")
    token = client.post("/api/tokens", json={"name": "สคริปต์"}, headers={"X-CSRF-Token": csrf}).json()["token"]
    script = client_for(world.app)
    auth = {"Authorization": f"Bearer {token}"}
    assert [b["id"] for b in script.get("/api/books", headers=auth).json()] == [world.book_a]
    response = script.post(f"/api/books/{world.book_a}/revisions", files={"file": ("plan.yaml", minimal_yaml())}, headers=auth)
    assert response.status_code == 201
    assert script.get("/api/books", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_failed_build_ends_failed_with_its_message(world, monkeypatch):
    def broken(filename, data):
        raise PlanbookError("แบบอักษรหายไป / the fonts are missing")

    monkeypatch.setattr(books, "build", broken)
    client, csrf = login(world.app, "alice")
    revision = upload(client, csrf, world.book_a, "plan.yaml", minimal_yaml()).json()
    build = client.post(f"/api/revisions/{revision['id']}/builds", headers={"X-CSRF-Token": csrf}).json()
    polled = client.get(f"/api/builds/{build['id']}").json()
    assert polled["status"] == "failed" and "แบบอักษรหายไป" in polled["message"]
    assert polled["pdf_url"] is None
    assert client.get(f"/api/builds/{build['id']}/pdf").status_code == 409


def test_blank_workbook_per_book_type(world):
    client, _ = login(world.app, "vera")
    types = client.get("/api/book-types").json()
    assert {t["key"] for t in types} == set(books.book_types())
    for t in types:
        response = client.get(t["blank_workbook_url"])
        assert response.status_code == 200
        assert load_workbook(io.BytesIO(response.content)).sheetnames
    assert client.get("/api/book-types/nonsense/blank.xlsx").status_code == 404


def test_healthz_and_metrics(world):
    client = client_for(world.app)
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["ok"] is True
    assert health.json()["database"] == "ok" and health.json()["fonts"].startswith("ok")
    metrics = client.get("/metrics").text
    assert 'planbook_builds{status="done"}' in metrics and "planbook_http_request_seconds" in metrics
