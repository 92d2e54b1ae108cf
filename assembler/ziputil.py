"""Zip packages (DOCX, XLSX): written the same way every time, read only when safe.

``repack`` makes a package byte-identical for identical content (fixed entry
order, dates and modes). ``check_archive`` refuses what is not an Office
package before any XML parser sees it: old binary or password-protected
Office files (both OLE compound files), zip bombs, encrypted entries.
"""
from __future__ import annotations

import io
import zipfile

ZIP_DATE = (1980, 1, 1, 0, 0, 0)

#: Limits for a records workbook. A large real one (500 projects, long detail
#: texts) is under 5 MB unpacked; these leave wide room.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 200  # unpacked/packed bytes of one entry over 1 MiB

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def repack(data: bytes, edit=None) -> bytes:
    """Return the zip ``data`` re-written in a fixed entry order with fixed dates and modes.

    ``edit(name, bytes) -> bytes``, if given, may change an entry on the way.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        entries = {info.filename: src.read(info.filename) for info in src.infolist()}
    if edit is not None:
        entries = {name: edit(name, blob) for name, blob in entries.items()}
    first = ["[Content_Types].xml", "_rels/.rels"]
    order = [n for n in first if n in entries] + sorted(n for n in entries if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            dst.writestr(info, entries[name])
    return out.getvalue()


class UnsafeArchive(Exception):
    """The file is not an Office package planbook will open; args are (thai, english)."""


def check_size(size: int) -> None:
    """Raise UnsafeArchive if a file of ``size`` bytes is too large to be records (checked before reading it)."""
    if size > MAX_FILE_BYTES:
        raise UnsafeArchive(
            f"ไฟล์ใหญ่เกินไป ({size // (1024 * 1024)} MB, รับได้ไม่เกิน {MAX_FILE_BYTES // (1024 * 1024)} MB)",
            f"the file is too large ({size // (1024 * 1024)} MB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB)",
        )


def check_archive(data: bytes, required: tuple[str, ...]) -> None:
    """Raise UnsafeArchive unless ``data`` is a plain zip holding ``required`` within the limits."""
    check_size(len(data))
    if data.startswith(OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise UnsafeArchive(
                "ไฟล์ถูกตั้งรหัสผ่าน: เปิดใน Excel หรือ LibreOffice แล้วเอารหัสผ่านออกก่อนบันทึกใหม่",
                "the file is password protected: open it in Excel or LibreOffice, remove the password and save again",
            )
        raise UnsafeArchive(
            "เป็นไฟล์ Excel รุ่นเก่า (.xls): บันทึกใหม่เป็น .xlsx (Excel Workbook)",
            "this is an old-style Excel file (.xls): save it again as .xlsx (Excel Workbook)",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnsafeArchive(
            "ไฟล์นี้ไม่ใช่สมุดงาน Excel (.xlsx) แม้จะมีนามสกุล .xlsx",
            "this file is not an Excel workbook (.xlsx), whatever its name says",
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UnsafeArchive(
                f"ไฟล์มีส่วนประกอบมากผิดปกติ ({len(infos)} ส่วน)",
                f"the file holds an unusual number of parts ({len(infos)})",
            )
        unpacked = sum(i.file_size for i in infos)
        ratio = max((i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > 1024 * 1024), default=0)
        if unpacked > MAX_UNPACKED_BYTES or ratio > MAX_RATIO:
            raise UnsafeArchive(
                f"ไฟล์ขยายออกได้ใหญ่ผิดปกติ ({unpacked // (1024 * 1024)} MB) จึงไม่เปิด (อาจเป็น zip bomb)",
                f"the file would unpack to a suspicious size ({unpacked // (1024 * 1024)} MB), so it is not opened "
                "(a possible zip bomb)",
            )
        if any(i.flag_bits & 0x1 for i in infos):
            raise UnsafeArchive(
                "ไฟล์มีส่วนที่เข้ารหัสไว้ จึงอ่านไม่ได้",
                "parts of the file are encrypted, so it cannot be read",
            )
        names = {i.filename for i in infos}
        missing = [r for r in required if r not in names]
        if missing:
            raise UnsafeArchive(
                "ไฟล์นี้ไม่ใช่สมุดงาน Excel (.xlsx) (อาจเป็นไฟล์ Word หรือ ODS ที่เปลี่ยนชื่อ)",
                "this file is not an Excel workbook (.xlsx) (perhaps a Word or ODS file renamed)",
            )
