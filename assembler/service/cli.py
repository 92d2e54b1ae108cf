"""``planbook serve``, ``planbook worker`` and ``planbook admin …`` (the service's commands)."""
from __future__ import annotations

import os
import subprocess
import sys
from typing import List, Optional

import typer

admin = typer.Typer(
    no_args_is_help=True,
    help="จัดการหน่วยงานและผู้ใช้ของบริการ / manage the service's organisations and users.",
)

ROLES_HELP = "editor (แก้ไข), viewer (อ่าน) or reviewer (ผู้ตรวจ: อ่านได้หลายหน่วยงาน)"


def _fail(thai: str, english: str) -> None:
    print(f"{thai} / {english}", file=sys.stderr)
    raise typer.Exit(2)


def _database():
    try:
        from .db import Database
        from .settings import Settings
    except ImportError as exc:
        _fail("ยังไม่ได้ติดตั้งส่วนบริการ (pip install 'planbook[service]')",
              f"the service is not installed (pip install 'planbook[service]'): {exc}")
    database = Database(Settings.from_env())
    database.migrate()
    return database


@admin.command("migrate")
def migrate() -> None:
    """Create or upgrade the database tables (serve does this on start)."""
    _database()
    print("✓ ฐานข้อมูลเป็นรุ่นล่าสุดแล้ว / the database is up to date")


@admin.command("create-org")
def create_org(name: str = typer.Argument(..., help="The organisation's name, e.g. เทศบาลตำบลตัวอย่าง.")) -> None:
    """Create an organisation (อปท. or office)."""
    from sqlalchemy import select

    from .auth import create_organisation
    from .models import Organisation

    database = _database()
    with database.session() as db:
        if db.scalar(select(Organisation).where(Organisation.name == name)):
            _fail(f"มีหน่วยงานชื่อ {name} อยู่แล้ว", f"there is already an organisation named {name}")
        org = create_organisation(db, name)
        db.commit()
        print(f"✓ หน่วยงาน {org.name} (id {org.id}) / organisation created")


@admin.command("create-user")
def create_user(
    username: str = typer.Argument(..., help="Log-in name."),
    org: List[str] = typer.Option(..., "--org", help=f"ORGANISATION=ROLE, repeatable; ROLE is {ROLES_HELP}."),
    name: str = typer.Option("", "--name", help="Name shown on the pages (default: the log-in name)."),
    password: Optional[str] = typer.Option(
        None, "--password", envvar="PLANBOOK_PASSWORD", help="Password (asked for when not given; or PLANBOOK_PASSWORD)."
    ),
) -> None:
    """Create a user with a role in one or more organisations.

    planbook admin create-user somchai --org "เทศบาลตำบลตัวอย่าง=editor"
    """
    from sqlalchemy import select

    from .auth import create_user as create
    from .models import ROLES, Organisation, User

    database = _database()
    with database.session() as db:
        roles: dict[int, str] = {}
        for entry in org:
            org_name, _, role = entry.rpartition("=")
            found = db.scalar(select(Organisation).where(Organisation.name == org_name.strip()))
            if not org_name or role not in ROLES:
                _fail(f"ใช้ --org หน่วยงาน=บทบาท (บทบาท: {', '.join(ROLES)}): {entry}",
                      f"use --org ORGANISATION=ROLE (roles: {', '.join(ROLES)}): {entry}")
            if found is None:
                _fail(f"ไม่พบหน่วยงาน {org_name} (สร้างด้วย planbook admin create-org)",
                      f"no organisation named {org_name} (create it with planbook admin create-org)")
            roles[found.id] = role
        if db.scalar(select(User).where(User.username == username)):
            _fail(f"มีผู้ใช้ชื่อ {username} อยู่แล้ว", f"there is already a user named {username}")
        if password is None:
            password = typer.prompt("รหัสผ่าน / password", hide_input=True, confirmation_prompt=True)
        if len(password) < 8:
            _fail("รหัสผ่านต้องยาวอย่างน้อย 8 ตัวอักษร", "the password must be at least 8 characters long")
        user = create(db, username, password, name, roles)
        db.commit()
        print(f"✓ ผู้ใช้ {user.username} (id {user.id}) / user created")


@admin.command("set-role")
def set_role(
    username: str = typer.Argument(..., help="The user's log-in name."),
    organisation: str = typer.Argument(..., help="The organisation's name."),
    role: str = typer.Argument(..., help=f"{ROLES_HELP}, or none (ไม่มีสิทธิ์: removes the user from it)."),
) -> None:
    """Give a user a role in an organisation, change it, or remove it (none); it applies at the next request.

    planbook admin set-role somchai "เทศบาลตำบลตัวอย่าง" viewer
    """
    from sqlalchemy import select

    from .models import ROLES, Membership, Organisation, User

    if role not in (*ROLES, "none"):
        _fail(f"บทบาทต้องเป็น {', '.join(ROLES)} หรือ none: {role}", f"the role must be {', '.join(ROLES)} or none: {role}")
    database = _database()
    with database.session() as db:
        user = db.scalar(select(User).where(User.username == username))
        if user is None:
            _fail(f"ไม่พบผู้ใช้ {username}", f"no user named {username}")
        org = db.scalar(select(Organisation).where(Organisation.name == organisation))
        if org is None:
            _fail(f"ไม่พบหน่วยงาน {organisation} (สร้างด้วย planbook admin create-org)",
                  f"no organisation named {organisation} (create it with planbook admin create-org)")
        membership = db.get(Membership, (user.id, org.id))
        before = membership.role if membership else "none"
        if role == "none":
            if membership is not None:
                db.delete(membership)
        elif membership is None:
            db.add(Membership(user_id=user.id, organisation_id=org.id, role=role))
        else:
            membership.role = role
        db.commit()
        print(f"✓ {username} ใน {organisation}: {before} → {role} / role changed")


def worker_command(workers: int) -> list[str]:
    return [sys.executable, "-m", "assembler", "worker", "--workers", str(workers)]


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=0, help="Build workers to start with the embedded queue (0: none)."),
) -> None:
    """Serve the web page and the API; with the embedded queue, also start the build workers.

    Settings: PLANBOOK_DATA_DIR, PLANBOOK_DATABASE_URL, PLANBOOK_QUEUE_URL (see the README).
    """
    import uvicorn

    from .settings import Settings

    settings = Settings.from_env()
    _database()
    child = None
    if settings.embedded_queue and workers:
        child = subprocess.Popen(worker_command(workers), env={**os.environ, **settings.to_env()})
    try:
        print(f"planbook: http://{host}:{port}/ (ฐานข้อมูล/database: {settings.database_url.split('@')[-1]})")
        uvicorn.run("assembler.service.app:create_app", factory=True, host=host, port=port)
    finally:
        if child is not None:
            child.terminate()
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()


def worker(workers: int = typer.Option(1, "--workers", min=1, help="Build processes.")) -> None:
    """Run build workers for the queue in PLANBOOK_QUEUE_URL (Redis to scale out), until stopped."""
    from .db import Database
    from .jobs import BuildConsumer, make_huey, reap
    from .settings import Settings

    settings = Settings.from_env()
    huey = make_huey(settings)
    database = Database(settings)
    reaped = reap(database, settings.build_timeout, huey.build_task)  # builds this machine's dead workers left running
    database.engine.dispose()
    huey.storage.close()
    if reaped:
        print(f"planbook worker: {reaped} build(s) left running by a stopped worker queued again or failed",
              flush=True)
    # a worker process that ended (after PLANBOOK_WORKER_MAX_BUILDS builds or a failure) or died is replaced
    # within 2 s
    consumer = BuildConsumer(huey, settings, workers=workers, worker_type="process", check_worker_health=True,
                             health_check_interval=2)
    memory = f"{settings.worker_memory_mb} MB" if settings.worker_memory_mb > 0 else "no cap"
    print(f"planbook worker: {workers} process(es) on {settings.queue_url.split('@')[-1]} "
          f"(memory {memory}, fresh after {settings.worker_max_builds} builds)", flush=True)
    consumer.run()


def register(app: typer.Typer) -> None:
    """Add the service's commands to the planbook command."""
    app.add_typer(admin, name="admin")
    app.command("serve")(serve)
    app.command("worker")(worker)
