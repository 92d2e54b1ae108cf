"""Fingerprints and the manifest: whether a book is unchanged since its last build in a folder.

A book is *unchanged* when its fingerprint (the records file's bytes, every
file under templates/ and fonts/, planbook's own source and version, and the
build options) matches the one recorded in the output folder's manifest
(``DIR/.planbook-manifest.json``) at its last successful build there, and
every output it wrote then is still there with the same bytes.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..errors import Problem
from ..fonts import project_root

#: Output formats (here, not in build.py, so the fast path does not import the renderers).
FORMATS = ("docx", "pdf")
MANIFEST = ".planbook-manifest.json"
MANIFEST_VERSION = 1


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files_under(folder: Path) -> list[Path]:
    out = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        out.extend(Path(top) / name for name in files if not name.endswith((".pyc", ".pyo")))
    return sorted(out)


def environment_digest(root: Path | None = None) -> str:
    """Return the sha256 of everything besides the records that shapes a book.

    That is every file under templates/ and fonts/ (names and bytes), planbook's
    own Python source and its version. Computed once per run.
    """
    root = root or project_root()
    digest = hashlib.sha256(f"planbook {__version__}\n".encode())
    folders = [(f"{name}/", root / name) for name in ("templates", "fonts")]
    folders.append(("assembler/", Path(__file__).resolve().parent.parent))
    for label, folder in folders:
        for path in _files_under(folder):
            name = label + path.relative_to(folder).as_posix()
            try:
                blob = sha256_file(path)
            except OSError:
                blob = "unreadable"
            digest.update(f"{name}\0{blob}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Options:
    """The build options that shape a book's outputs."""

    formats: tuple[str, ...] = FORMATS
    thai_digits: bool | None = None
    strict: bool = False
    #: part names (``--parts``): build extracts of these parts only
    parts: tuple[str, ...] = ()

    def key(self) -> str:
        key = {"formats": sorted(set(self.formats)), "thai_digits": self.thai_digits, "strict": self.strict}
        if self.parts:
            key["parts"] = list(self.parts)
        return json.dumps(key, sort_keys=True)


def fingerprint(source: Path, environment: str, options: Options) -> str | None:
    """Return the input fingerprint of one book, or None when its records file cannot be read."""
    try:
        records = sha256_file(source)
    except OSError:
        return None
    return combine(environment, options, records)


def combine(environment: str, options: Options, records: str) -> str:
    """Return the fingerprint of a book from the sha256 of its records file's bytes."""
    text = f"{environment}\n{options.key()}\n{records}\n"
    return hashlib.sha256(text.encode()).hexdigest()




class Manifest:
    """``DIR/.planbook-manifest.json``: per source, its fingerprint and the hashes of the outputs it wrote."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / MANIFEST
        self.books: dict[str, dict] = self._read()
        self._changed: dict[str, dict] = {}

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION or not isinstance(data.get("books"), dict):
            return {}
        return data["books"]

    @staticmethod
    def key(source: Path, parts: tuple[str, ...] = ()) -> str:
        """Return a book's entry name: its records file, and the parts of an extract (``--parts``)."""
        return str(source.resolve()) + ("#" + ",".join(parts) if parts else "")

    def current(self, source: Path, fp: str | None, parts: tuple[str, ...] = ()) -> dict | None:
        """Return the recorded entry of ``source`` if it is up to date (same fingerprint, outputs intact)."""
        if fp is None:
            return None
        entry = self.books.get(self.key(source, parts))
        if not isinstance(entry, dict) or entry.get("fingerprint") != fp:
            return None
        outputs = entry.get("outputs")
        if not isinstance(outputs, dict) or not outputs:
            return None
        for name, digest in outputs.items():
            target = self.path.parent / name
            try:
                if not target.is_file() or sha256_file(target) != digest:
                    return None
            except OSError:
                return None
        return entry

    def record(self, source: Path, fp: str, outputs: dict[str, str], warnings: list[Problem], parts: tuple[str, ...] = ()) -> None:
        entry = {
            "fingerprint": fp,
            "outputs": outputs,
            "warnings": [dataclasses.asdict(w) for w in warnings],
        }
        self.books[self.key(source, parts)] = entry
        self._changed[self.key(source, parts)] = entry

    def save(self) -> None:
        """Write the manifest atomically, merged with what another run may have written meanwhile."""
        if not self._changed:
            return
        books = self._read()
        books.update(self._changed)
        text = json.dumps({"version": MANIFEST_VERSION, "books": books}, ensure_ascii=False, indent=1, sort_keys=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f"{MANIFEST}.", suffix=".part", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.chmod(name, 0o644)
            os.replace(name, self.path)
        finally:
            if os.path.exists(name):
                os.unlink(name)
        self._changed.clear()
