"""Build many books at once: collect records files (collect.py), skip the unchanged (manifest.py),
build the rest in worker processes (run.py), and report (console.py); ``watch`` (watch.py) keeps a
folder's books up to date as their records files are saved.

Deciding that a book is unchanged reads a few small files and imports nothing heavy: WeasyPrint,
python-docx and the records models are imported only when a book must be built.
"""
from __future__ import annotations

from .collect import RECORD_SUFFIXES, check_stems, collect, is_records_file, records_in
from .console import build_many, print_outcome, print_summary, totals
from .manifest import FORMATS, MANIFEST, Manifest, Options, environment_digest, fingerprint
from .run import BUILT, EXIT_INTERNAL, FAILED, UNCHANGED, Outcome, build_book, exit_code, run_batch
from .watch import watch

__all__ = [
    "BUILT", "EXIT_INTERNAL", "FAILED", "FORMATS", "MANIFEST", "RECORD_SUFFIXES", "UNCHANGED", "Manifest", "Options",
    "Outcome", "build_book", "build_many", "check_stems", "collect", "environment_digest", "exit_code",
    "fingerprint", "is_records_file", "print_outcome", "print_summary", "records_in", "run_batch", "totals", "watch",
]
