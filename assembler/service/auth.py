"""Passwords (argon2), login sessions, API tokens and CSRF tokens.

A session cookie or an API token (``Authorization: Bearer …``) names a row of
auth_tokens by its sha256. A session also has a CSRF token: every request that
changes something and comes with the session cookie must carry it (the
``X-CSRF-Token`` header, or the ``csrf_token`` field of a form). API tokens are
not sent by browsers on their own, so they need none.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuthToken, Membership, Organisation, User, as_utc, now

SESSION_COOKIE = "planbook_session"
LOGIN_CSRF_COOKIE = "planbook_login_csrf"
SESSION_DAYS = 14

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def authenticate(db: Session, username: str, password: str) -> User | None:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        _hasher.hash(password)  # the same time whether or not the user exists
        return None
    return user if verify_password(user.password_hash, password) else None


def new_token(db: Session, user: User, kind: str, name: str = "") -> tuple[str, AuthToken]:
    """Create a session (kind "session") or an API token ("api"); return the secret and its row."""
    secret = secrets.token_urlsafe(32)
    row = AuthToken(
        user_id=user.id,
        kind=kind,
        token_hash=token_hash(secret),
        csrf=secrets.token_urlsafe(32) if kind == "session" else "",
        name=name,
        expires_at=now() + timedelta(days=SESSION_DAYS) if kind == "session" else None,
    )
    db.add(row)
    db.flush()
    return secret, row


def find_token(db: Session, secret: str | None, kind: str) -> AuthToken | None:
    """Return the live token row of ``secret`` (None when unknown or expired)."""
    if not secret:
        return None
    row = db.scalar(select(AuthToken).where(AuthToken.token_hash == token_hash(secret), AuthToken.kind == kind))
    if row is None:
        return None
    expires = as_utc(row.expires_at)
    if expires is not None and expires < now():
        db.delete(row)
        db.commit()
        return None
    return row


def create_organisation(db: Session, name: str) -> Organisation:
    org = Organisation(name=name)
    db.add(org)
    db.flush()
    return org


def create_user(db: Session, username: str, password: str, display_name: str = "",
                roles: dict[int, str] | None = None) -> User:
    """Create a user with ``roles`` (organisation id → editor/viewer/reviewer)."""
    user = User(username=username, display_name=display_name or username, password_hash=hash_password(password))
    db.add(user)
    db.flush()
    for organisation_id, role in (roles or {}).items():
        db.add(Membership(user_id=user.id, organisation_id=organisation_id, role=role))
    db.flush()
    db.refresh(user)
    return user
