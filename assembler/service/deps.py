"""Request dependencies: the database session, who is asking, and the CSRF check."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from .actions import ActionError
from .auth import SESSION_COOKIE, find_token, same
from .models import User

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def get_db(request: Request):
    db = request.app.state.database.session()
    try:
        yield db
    finally:
        db.close()


@dataclass
class Principal:
    user: User
    kind: str  # "session" (a browser's cookie) or "api" (a bearer token)
    csrf: str = ""


def principal_of(request: Request, db: Session) -> Principal | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        row = find_token(db, header[7:].strip(), "api")
        return Principal(row.user, "api") if row else None
    row = find_token(db, request.cookies.get(SESSION_COOKIE), "session")
    return Principal(row.user, "session", row.csrf) if row else None


UNAUTHORISED = ActionError(401, "ต้องเข้าสู่ระบบก่อน", "log in first")
CSRF_MISSING = ActionError(
    403, "คำขอนี้ไม่มีรหัสป้องกันการปลอมคำขอ (CSRF) ที่ถูกต้อง: โหลดหน้าใหม่แล้วลองอีกครั้ง",
    "the request lacks a valid CSRF token: reload the page and try again",
)


def api_principal(request: Request, db: Session = Depends(get_db)) -> Principal:
    """The caller of an API route; 401 without a session or token, 403 without CSRF on a change."""
    principal = principal_of(request, db)
    if principal is None:
        raise HTTPException(401, UNAUTHORISED.detail(), headers={"WWW-Authenticate": "Bearer"})
    if principal.kind == "session" and request.method not in SAFE_METHODS:
        if not same(request.headers.get("x-csrf-token"), principal.csrf):
            raise HTTPException(403, CSRF_MISSING.detail())
    return principal
