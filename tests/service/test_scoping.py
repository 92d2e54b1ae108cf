"""Every route: another organisation's book, revision or build is 404; no session is 401 (API) or /login (pages)."""
from __future__ import annotations

import hashlib
import re

from fastapi.routing import APIRoute

from assembler.service.models import Build, Revision, Thumbnail

from .conftest import World, client_for, csrf_of, login, minimal_yaml

ID_PARAMS = ("book_id", "revision_id", "build_id")


def foreign_objects(world: World) -> dict[str, int]:
    """A revision and a finished build of organisation B's book, stored directly."""
    with world.database.session() as db:
        data = minimal_yaml()
        revision = Revision(book_id=world.book_b, number=1, filename="plan.yaml", content=data, size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), problems=[])
        db.add(revision)
        db.flush()
        build = Build(revision_id=revision.id, status="done", input_hash="0" * 64, pdf=b"%PDF-secret", docx=b"PK-secret")
        db.add(build)
        db.flush()
        db.add(Thumbnail(build_id=build.id, page=1, png=b"PNG-secret"))
        db.commit()
        return {"book_id": world.book_b, "revision_id": revision.id, "build_id": build.id}


def routes(app, api: bool):
    """Yield (method, path) of every API route (from the OpenAPI spec) or every page."""
    if api:
        for path, operations in app.openapi()["paths"].items():
            if path.startswith("/api/"):
                for method in operations:
                    yield method.upper(), path
        return
    from assembler.service import web

    for route in web.router.routes:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, route.path


def fill(path: str, ids: dict[str, int]) -> str:
    values = {"page": 1, "book_type": "operations", "weight": "regular", **ids}
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def call(client, method: str, url: str, **kwargs):
    if method == "POST":
        kwargs.setdefault("files", {"file": ("plan.yaml", minimal_yaml())})
    return client.request(method, url, **kwargs)


def test_every_api_route_hides_other_organisations(world):
    ids = foreign_objects(world)
    client, csrf = login(world.app, "alice")
    token = client.post("/api/tokens", json={}, headers={"X-CSRF-Token": csrf}).json()["token"]
    checked = []
    for method, path in routes(world.app, api=True):
        if not any(f"{{{p}}}" in path for p in ID_PARAMS):
            continue
        for headers in ({"X-CSRF-Token": csrf}, {"Authorization": f"Bearer {token}"}):
            response = call(client_for(world.app) if "Authorization" in headers else client, method, fill(path, ids),
                            headers=headers)
            assert response.status_code == 404, (method, path, response.status_code, response.text)
            assert b"secret" not in response.content
        checked.append((method, path))
    assert len(checked) >= 10  # book, upload, revision, its file and workbook, build request, build, pdf, docx, thumbnail
    assert ("GET", "/api/builds/{build_id}/thumbnails/{page}.png") in checked
    # and the owner does reach them (the 404 above is not a broken route)
    bob, _ = login(world.app, "bob")
    assert bob.get(f"/api/builds/{ids['build_id']}/pdf").content == b"%PDF-secret"
    assert bob.get(f"/api/builds/{ids['build_id']}/thumbnails/1.png").content == b"PNG-secret"


def test_every_api_route_needs_a_session_or_token(world):
    ids = foreign_objects(world)
    client = client_for(world.app)
    checked = 0
    for method, path in routes(world.app, api=True):
        if path == "/api/login":
            continue
        response = call(client, method, fill(path, ids), json={} if method == "POST" and "{" not in path else None)
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.json()["detail"]["thai"] == "ต้องเข้าสู่ระบบก่อน"
        checked += 1
    assert checked >= 15


def test_every_page_hides_other_organisations_and_needs_a_login(world):
    ids = foreign_objects(world)
    client, _ = login(world.app, "alice")
    csrf = csrf_of(client.get("/").text)
    anonymous = client_for(world.app)
    checked = 0
    for method, path in routes(world.app, api=False):
        if path in ("/login", "/fonts/{weight}.ttf"):  # public: the log-in page and its font
            continue
        url = fill(path, ids)
        if any(f"{{{p}}}" in path for p in ID_PARAMS):
            response = call(client, method, url, data={"csrf_token": csrf})
            assert response.status_code == 404, (method, path, response.status_code)
            assert "ไม่พบรายการนี้" in response.text
        response = call(anonymous, method, url, data={"csrf_token": "x", "organisation_id": "1"}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", (method, path)
        checked += 1
    assert checked >= 7
