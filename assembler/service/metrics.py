"""Prometheus metrics (/metrics): requests, uploads, builds (counted from the database at each scrape)."""
from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select

from .models import STATUSES, Build

REQUESTS = Histogram("planbook_http_request_seconds", "Time to answer an HTTP request", ["method", "route", "status"])
UPLOADS = Counter("planbook_uploads_total", "Uploads, by outcome (ok, invalid: kept with errors, refused)", ["result"])
BUILDS_REQUESTED = Counter("planbook_builds_requested_total", "Build requests, queued or answered by an earlier build", ["outcome"])
BUILDS = Gauge("planbook_builds", "Builds in the database, by status", ["status"])
QUEUE = Gauge("planbook_queue_pending", "Jobs waiting in the queue")


def render(db, huey) -> tuple[bytes, str]:
    counts = dict(db.execute(select(Build.status, func.count()).group_by(Build.status)).all())
    for status in STATUSES:
        BUILDS.labels(status).set(counts.get(status, 0))
    try:
        QUEUE.set(huey.pending_count())
    except Exception:  # the queue's health is /healthz's to report
        pass
    return generate_latest(), CONTENT_TYPE_LATEST
