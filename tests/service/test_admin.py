"""The migration matches the models; planbook admin creates organisations and users."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from assembler.cli import main
from assembler.service.auth import verify_password
from assembler.service.db import Database
from assembler.service.models import Base, User
from assembler.service.settings import Settings


def test_migration_creates_exactly_the_models_tables(settings):
    database = Database(settings)
    database.migrate()
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        tables = set(inspect(conn).get_table_names())
    assert diff == []
    assert {"organisations", "users", "memberships", "auth_tokens", "books", "revisions", "builds"} <= tables
    database.migrate()  # a second run changes nothing and does not fail
    database.engine.dispose()


@pytest.fixture
def embedded(tmp_path, monkeypatch):
    """planbook admin on the embedded defaults (SQLite in a data folder of this test)."""
    monkeypatch.setenv("PLANBOOK_DATA_DIR", str(tmp_path / "data"))
    for name in ("PLANBOOK_DATABASE_URL", "PLANBOOK_QUEUE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_admin_commands(tmp_path, embedded, capsys):
    assert main(["admin", "create-org", "เทศบาลตำบลตัวอย่าง"]) == 0
    assert main(["admin", "create-org", "อบต.หนองน้ำ"]) == 0
    assert main(["admin", "create-org", "เทศบาลตำบลตัวอย่าง"]) == 2
    assert "มีหน่วยงานชื่อ" in capsys.readouterr().err
    assert main(["admin", "create-user", "somchai", "--org", "เทศบาลตำบลตัวอย่าง=editor", "--name", "สมชาย",
                 "--password", "ยาวพอแล้วนะ"]) == 0
    assert main(["admin", "create-user", "nid", "--org", "เทศบาลตำบลตัวอย่าง=reviewer", "--org", "อบต.หนองน้ำ=reviewer",
                 "--password", "ยาวพอแล้วนะ"]) == 0
    assert main(["admin", "create-user", "x", "--org", "ไม่มีหน่วยงานนี้=editor", "--password", "ยาวพอแล้วนะ"]) == 2
    assert "ไม่พบหน่วยงาน" in capsys.readouterr().err
    assert main(["admin", "create-user", "y", "--org", "อบต.หนองน้ำ=boss", "--password", "ยาวพอแล้วนะ"]) == 2
    assert main(["admin", "create-user", "z", "--org", "อบต.หนองน้ำ=viewer", "--password", "short"]) == 2
    database = Database(Settings.from_env({"PLANBOOK_DATA_DIR": str(tmp_path / "data")}))
    with database.session() as db:
        users = {u.username: u for u in db.scalars(select(User))}
        assert set(users) == {"somchai", "nid"}
        assert users["somchai"].display_name == "สมชาย"
        assert verify_password(users["somchai"].password_hash, "ยาวพอแล้วนะ")
        assert not verify_password(users["somchai"].password_hash, "ผิด")
        assert [m.role for m in users["somchai"].memberships] == ["editor"]
        assert sorted(m.organisation.name for m in users["nid"].memberships) == ["อบต.หนองน้ำ", "เทศบาลตำบลตัวอย่าง"]
    database.engine.dispose()


def test_admin_set_role_changes_and_removes_a_role(tmp_path, embedded, capsys):
    from assembler.service.app import create_app
    from assembler.service.jobs import make_huey

    from .conftest import minimal_yaml

    assert main(["admin", "create-org", "เทศบาลตำบลตัวอย่าง"]) == 0
    assert main(["admin", "create-org", "อบต.หนองน้ำ"]) == 0
    assert main(["admin", "create-user", "somchai", "--org", "เทศบาลตำบลตัวอย่าง=viewer", "--password", "ยาวพอแล้วนะ"]) == 0
    settings = Settings.from_env({"PLANBOOK_DATA_DIR": str(tmp_path / "data")})
    app = create_app(settings, huey=make_huey(settings, immediate=True))
    from fastapi.testclient import TestClient

    client = TestClient(app)
    csrf = client.post("/api/login", json={"username": "somchai", "password": "ยาวพอแล้วนะ"}).json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}

    def create_book(org_id: int, name: str) -> int:
        return client.post("/api/books", json={"organisation_id": org_id, "name": name, "book_type": "operations"},
                           headers=headers).status_code

    def roles() -> dict[str, str]:
        return {m["organisation"]: m["role"] for m in client.get("/api/me").json()["organisations"]}

    orgs = {m["organisation"]: m["organisation_id"] for m in client.get("/api/me").json()["organisations"]}
    example = orgs["เทศบาลตำบลตัวอย่าง"]
    assert create_book(example, "แผน 1") == 403  # a viewer may not
    capsys.readouterr()
    assert main(["admin", "set-role", "somchai", "เทศบาลตำบลตัวอย่าง", "editor"]) == 0
    assert "viewer → editor" in capsys.readouterr().out
    assert roles() == {"เทศบาลตำบลตัวอย่าง": "editor"}  # the same session, at its next request
    assert create_book(example, "แผน 1") == 201
    book_id = client.get("/api/books").json()[0]["id"]
    assert client.post(f"/api/books/{book_id}/revisions", files={"file": ("plan.yaml", minimal_yaml())},
                       headers=headers).status_code == 201

    assert main(["admin", "set-role", "somchai", "อบต.หนองน้ำ", "reviewer"]) == 0  # a role in a second organisation
    assert roles() == {"เทศบาลตำบลตัวอย่าง": "editor", "อบต.หนองน้ำ": "reviewer"}
    assert main(["admin", "set-role", "somchai", "เทศบาลตำบลตัวอย่าง", "none"]) == 0
    assert roles() == {"อบต.หนองน้ำ": "reviewer"}
    assert client.get(f"/api/books/{book_id}").status_code == 404  # its books are hidden at once
    assert client.get("/api/books").json() == []
    assert main(["admin", "set-role", "somchai", "เทศบาลตำบลตัวอย่าง", "none"]) == 0  # already none: nothing to do

    capsys.readouterr()
    assert main(["admin", "set-role", "nobody", "อบต.หนองน้ำ", "viewer"]) == 2
    assert "ไม่พบผู้ใช้ nobody" in capsys.readouterr().err
    assert main(["admin", "set-role", "somchai", "ไม่มีหน่วยงานนี้", "viewer"]) == 2
    assert "ไม่พบหน่วยงาน" in capsys.readouterr().err
    assert main(["admin", "set-role", "somchai", "อบต.หนองน้ำ", "boss"]) == 2
    assert "บทบาทต้องเป็น" in capsys.readouterr().err
    assert roles() == {"อบต.หนองน้ำ": "reviewer"}
    app.state.database.engine.dispose()
