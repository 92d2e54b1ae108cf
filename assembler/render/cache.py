"""The render cache: laid-out pieces of books (render/pieces.py), kept on disk by content hash.

An entry is a piece's PDF and what the merge needs to know of it (pages,
anchors, fonts), stored under the sha256 of everything that shapes it: its
blocks, the options, the fonts' and templates' bytes, planbook's own source
and the versions of the libraries that lay it out. An entry is never stale:
a change to any of these is another key. Entries are written atomically
(temporary file, then rename), so concurrent builds share one folder safely;
an unreadable entry is a miss. The folder is kept under a size limit by
removing the entries used longest ago.

The folder is ``$PLANBOOK_CACHE_DIR``, else ``$XDG_CACHE_HOME/planbook``
(``~/.cache/planbook``); ``PLANBOOK_CACHE_DIR=off`` turns the cache off.
``PLANBOOK_CACHE_MB`` sets the limit (default 1024).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: a cache entry: the JSON of its facts, a newline, the PDF
_SEPARATOR = b"\n"
_SUFFIX = ".piece"


@dataclass(frozen=True)
class Entry:
    """A piece's PDF (or other bytes kept, e.g. word cuts: see build.py) and its facts."""

    pdf: bytes
    facts: dict


class RenderCache:
    """Pieces by key in a folder (``None``: nothing is kept)."""

    def __init__(self, folder: Path | None, limit_bytes: int = 1024 * 2**20):
        self.folder = folder
        self.limit = limit_bytes
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{_SUFFIX}"

    def get(self, key: str) -> Entry | None:
        if self.folder is None:
            self.misses += 1
            return None
        path = self._path(key)
        try:
            blob = path.read_bytes()
            head, _, pdf = blob.partition(_SEPARATOR)
            facts = json.loads(head)
            if facts.pop("key", None) != key or facts.pop("sha256", None) != hashlib.sha256(pdf).hexdigest():
                raise ValueError("not an entry")
            os.utime(path)  # used now: pruned last
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return Entry(pdf, facts)

    def put(self, key: str, entry: Entry) -> None:
        """Keep ``entry`` (a cache that cannot be written is only slower: errors are ignored)."""
        if self.folder is None:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    head = {**entry.facts, "key": key, "sha256": hashlib.sha256(entry.pdf).hexdigest()}
                    fh.write(json.dumps(head, ensure_ascii=False, sort_keys=True).encode())
                    fh.write(_SEPARATOR)
                    fh.write(entry.pdf)
                os.replace(name, path)
            except BaseException:
                Path(name).unlink(missing_ok=True)
                raise
        except OSError:
            pass

    def prune(self) -> None:
        """Remove the entries used longest ago while the folder holds more than the limit."""
        if self.folder is None or not self.folder.is_dir():
            return
        entries = []
        for path in self.folder.glob(f"*/*{_SUFFIX}"):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.limit:
                break
            path.unlink(missing_ok=True)
            total -= size


def default_cache() -> RenderCache:
    """Return the cache the environment names (see the module's docstring)."""
    setting = os.environ.get("PLANBOOK_CACHE_DIR", "")
    if setting.lower() in ("off", "none", "0"):
        return RenderCache(None)
    if setting:
        folder = Path(setting)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "planbook"
    try:
        limit = int(os.environ.get("PLANBOOK_CACHE_MB", "1024")) * 2**20
    except ValueError:
        limit = 1024 * 2**20
    return RenderCache(folder, limit)


def library_version(name: str) -> str:
    """Return an installed distribution's version ("-" when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


@lru_cache(maxsize=8)
def _file_digest(path: Path, size: int, mtime: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest_of(path: Path) -> str:
    """Return the sha256 of a file's bytes (computed once per process while it is unchanged)."""
    stat = path.stat()
    return _file_digest(path.absolute(), stat.st_size, stat.st_mtime)


@lru_cache(maxsize=4)
def environment(root: Path | None = None) -> str:
    """Return the digest of what shapes every cached thing besides its own inputs.

    planbook's source, templates and fonts (batch.manifest.environment_digest)
    and the versions of the libraries that lay out and write PDFs and fonts.
    """
    from ..batch.manifest import environment_digest

    libraries = [f"{n}={library_version(n)}" for n in ("weasyprint", "pydyf", "pythainlp", "fonttools", "tinycss2", "pikepdf")]
    libraries.append(f"pango={_pango_version()}")
    return hashlib.sha256("\n".join([environment_digest(root), *libraries]).encode()).hexdigest()


def _pango_version() -> int:
    """Return the version of the Pango library WeasyPrint lays text out with (without importing WeasyPrint)."""
    import ctypes

    for name in ("libpango-1.0.so.0", "libpango-1.0.dylib", "libpango-1.0-0.dll"):
        try:
            return ctypes.CDLL(name).pango_version()
        except (OSError, AttributeError):
            continue
    return 0


def kept(parts: tuple, make, cache: RenderCache | None = None) -> bytes:
    """Return the bytes ``make()`` returns, kept in ``cache`` (default: the default cache) under a hash of ``parts``.

    For work that is the same every build (the DOCX's font subsets, the PDF's
    once the book uses the same glyphs): ``parts`` must name everything the
    bytes depend on besides planbook and its libraries.
    """
    cache = default_cache() if cache is None else cache
    key = hashlib.sha256(repr((environment(), parts)).encode()).hexdigest()
    entry = cache.get(key)
    if entry is not None:
        return entry.pdf
    data = make()
    cache.put(key, Entry(data, {"kind": str(parts[0])}))
    return data
