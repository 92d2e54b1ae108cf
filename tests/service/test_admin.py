"""The migration matches the models; planbook admin creates organisations and users."""
from __future__ import annotations

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


def test_admin_commands(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLANBOOK_DATA_DIR", str(tmp_path / "data"))
    for name in ("PLANBOOK_DATABASE_URL", "PLANBOOK_QUEUE_URL"):
        monkeypatch.delenv(name, raising=False)
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
