"""Importing WeasyPrint without running a compiler.

WeasyPrint asks cffi for each system library it uses (GObject, Pango,
HarfBuzz, fontconfig…) by several names, the Windows and macOS ones first.
Every name that does not load at once goes to ``ctypes.util.find_library``,
which on Linux runs ldconfig, then gcc, then ld when ldconfig's cache does
not list it: about twenty programs and 0.2 s for every process that imports
WeasyPrint (each ``planbook`` command, each service worker). While WeasyPrint
is imported here, a name ldconfig's cache (read once) does not list is not
looked for further; if WeasyPrint then fails to load a library, it is
imported again the usual way.
"""
from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager


def _ldconfig_libraries() -> list[str] | None:
    """Return the library file names ldconfig's cache lists (None when it cannot be read)."""
    for program in ("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"):
        try:
            listing = subprocess.run([program, "-p"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        names = [line.split(None, 1)[0] for line in listing.splitlines()[1:] if line.strip()]
        if names:
            return names
    return None


@contextmanager
def _cached_lookup():
    import ctypes.util

    real = ctypes.util.find_library
    libraries = _ldconfig_libraries() if sys.platform.startswith("linux") else None
    if libraries is None:
        yield
        return

    def find_library(name: str):
        stem = name if name.startswith("lib") else f"lib{name}"
        if not any(library.startswith(f"{stem}.so") for library in libraries):
            return None
        return real(name)

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = real


def import_weasyprint():
    """Import and return WeasyPrint (see the module's docstring)."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    try:
        with _cached_lookup():
            import weasyprint
        return weasyprint
    except OSError:
        for module in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[module]
        import weasyprint

        return weasyprint
