"""The FastAPI application: the JSON API, the Thai web pages, /healthz and /metrics."""
from __future__ import annotations

import time

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import text

from .. import __version__
from . import actions, api, books, metrics, web
from .db import Database
from .jobs import make_huey
from .settings import Settings


def create_app(settings: Settings | None = None, huey=None, migrate: bool = True) -> FastAPI:
    """Return the service for ``settings`` (default: from the environment); migrates the database."""
    settings = settings or Settings.from_env()
    database = Database(settings)
    if migrate:
        database.migrate()
    huey = huey if huey is not None else make_huey(settings, database=database)
    app = FastAPI(
        title="planbook",
        version=__version__,
        description="สร้างเล่มแผนของ อปท. จากสมุดงาน / Thai local-government plan books from records: "
                    "upload a revision, see its problems, build the PDF and DOCX.",
    )
    app.state.settings, app.state.database, app.state.huey = settings, database, huey
    app.state.enqueue = lambda build_id: huey.build_task(build_id)

    @app.middleware("http")
    async def limits_and_timing(request: Request, call_next):
        started = time.perf_counter()
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_upload + 64 * 1024:
            refused = actions.too_large(settings.max_upload)
            response = (JSONResponse({"detail": refused.detail()}, status_code=413)
                        if request.url.path.startswith("/api/")
                        else HTMLResponse(web.error_page(request, refused), status_code=413))
        else:
            response = await call_next(request)
        route = request.scope.get("route")
        metrics.REQUESTS.labels(request.method, getattr(route, "path", "other"), str(response.status_code)).observe(
            time.perf_counter() - started)
        return response

    @app.get("/healthz", tags=["ops"], summary="Database, queue and fonts")
    def healthz() -> JSONResponse:
        checks: dict[str, str] = {}
        ok = True
        try:
            with database.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            ok, checks["database"] = False, f"{type(exc).__name__}: {exc}"
        try:
            checks["queue"] = f"ok ({huey.pending_count()} pending)"
        except Exception as exc:
            ok, checks["queue"] = False, f"{type(exc).__name__}: {exc}"
        try:
            checks["fonts"] = f"ok ({books.fonts_found()})"
        except Exception as exc:
            ok, checks["fonts"] = False, str(exc)
        return JSONResponse({"ok": ok, "version": __version__, **checks}, status_code=200 if ok else 503)

    @app.get("/metrics", tags=["ops"], summary="Prometheus metrics", response_class=Response)
    def metrics_route(request: Request) -> Response:
        db = database.session()
        try:
            body, content_type = metrics.render(db, huey)
        finally:
            db.close()
        return Response(body, media_type=content_type)

    app.include_router(api.router)
    app.include_router(web.router)
    web.install(app)
    return app
