"""The planbook service: a Thai web page and a JSON API over the same build pipeline.

Modules:
    settings   configuration from the environment (PLANBOOK_*)
    books      the one adapter to the rest of planbook (records, checks, build, workbooks)
    models     organisations, users, books, revisions, builds (SQLAlchemy 2)
    db         engine, sessions and the Alembic migrations
    auth       password hashes (argon2), sessions, API tokens, CSRF
    jobs       the build job and its huey queue (SQLite file or Redis)
    api        the JSON API (/api/…)
    web        the Thai web pages (Jinja2, plain forms)
    app        the FastAPI application (create_app)
"""
