"""Service fixtures: a fresh database and queue per test, on SQLite (always) and on PostgreSQL + Redis.

PLANBOOK_TEST_PG (a SQLAlchemy URL, e.g. postgresql+psycopg://root@127.0.0.1:5432/test) adds the
"pg" backend: each test gets its own schema there, dropped afterwards. PLANBOOK_TEST_REDIS
(e.g. redis://127.0.0.1:6379/15) gives that backend a Redis queue. When they are set and the
servers cannot be reached, the tests fail (they are never skipped).
"""
from __future__ import annotations

import functools
import io
import os
import re
import uuid
from dataclasses import dataclass, replace

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from assembler.service import books
from assembler.service.app import create_app
from assembler.service.auth import create_organisation, hash_password
from assembler.service.db import Database
from assembler.service.jobs import make_huey
from assembler.service.models import Book, Membership, User
from assembler.service.settings import Settings

from ..conftest import FIXTURES

PG = os.environ.get("PLANBOOK_TEST_PG", "")
REDIS = os.environ.get("PLANBOOK_TEST_REDIS", "")
BACKENDS = ["sqlite"] + (["pg"] if PG else [])
PASSWORD = "รหัสผ่านยาวพอ-1"
MINIMAL = FIXTURES / "operations-minimal.yaml"


def _pg_schema_url(schema: str) -> str:
    import psycopg

    plain = PG.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG else "?"
    return f"{PG}{sep}options=-csearch_path%3D{schema}"


def _pg_drop(schema: str) -> None:
    import psycopg

    plain = PG.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=BACKENDS)
def settings(request, tmp_path):
    """Settings of a fresh service: SQLite and a SQLite queue, or PostgreSQL (own schema) and Redis."""
    base = Settings.from_env({"PLANBOOK_DATA_DIR": str(tmp_path / "data")})
    if request.param == "sqlite":
        yield base
        return
    schema = f"pbtest_{uuid.uuid4().hex[:12]}"
    url = _pg_schema_url(schema)
    chosen = replace(base, database_url=url, queue_url=REDIS or base.queue_url,
                     queue_name=f"planbook-test-{uuid.uuid4().hex[:8]}")
    if REDIS:
        make_huey(chosen).storage.conn.ping()  # unreachable → the test fails here
    yield chosen
    if REDIS:
        make_huey(chosen).flush()
    _pg_drop(schema)


@dataclass
class World:
    """Two organisations with a book each, and their people."""

    app: object
    database: Database
    org_a: int
    org_b: int
    book_a: int  # operations book of organisation A
    book_b: int  # operations book of organisation B


@functools.lru_cache(maxsize=1)
def password_hash() -> str:
    return hash_password(PASSWORD)  # argon2 takes about half a second: once per test run


def add_user(db, username: str, name: str, roles: dict[int, str]) -> None:
    db.add(User(username=username, display_name=name, password_hash=password_hash()))
    db.flush()
    user = db.scalar(select(User).where(User.username == username))
    db.add_all([Membership(user_id=user.id, organisation_id=o, role=r) for o, r in roles.items()])


def make_world(app) -> World:
    database = app.state.database
    with database.session() as db:
        a = create_organisation(db, "เทศบาลตำบลเอ")
        b = create_organisation(db, "เทศบาลตำบลบี")
        add_user(db, "alice", "อลิซ", {a.id: "editor"})
        add_user(db, "bob", "บ๊อบ", {b.id: "editor"})
        add_user(db, "vera", "วีรา", {a.id: "viewer"})
        add_user(db, "rita", "ฤทัย", {a.id: "reviewer", b.id: "reviewer"})
        book_a = Book(organisation_id=a.id, name="แผนดำเนินงาน 2566", book_type="operations")
        book_b = Book(organisation_id=b.id, name="แผนของบี", book_type="operations")
        db.add_all([book_a, book_b])
        db.commit()
        return World(app, database, a.id, b.id, book_a.id, book_b.id)


@pytest.fixture
def app(settings):
    """The service with huey in immediate mode: a build runs inside the request that asks for it."""
    huey = make_huey(settings, immediate=True)
    application = create_app(settings, huey=huey)
    yield application
    application.state.database.engine.dispose()


@pytest.fixture
def world(app) -> World:
    return make_world(app)


def client_for(app) -> TestClient:
    return TestClient(app, base_url="http://testserver")


def login(app, username: str) -> tuple[TestClient, str]:
    """Return a client logged in as ``username`` through the API, and its CSRF token."""
    client = client_for(app)
    response = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return client, response.json()["csrf_token"]


def minimal_yaml() -> bytes:
    return MINIMAL.read_bytes()


def workbook_with_mistake() -> bytes:
    """The minimal operational plan as a workbook, with an unknown month typed in ระยะเวลา!B3."""
    data = books.records_workbook("plan.yaml", minimal_yaml())
    wb = load_workbook(io.BytesIO(data))
    wb["ระยะเวลา"]["B3"] = "ตุลา"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def pdf_page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)

