"""Bytes to text: a Word document's or a PDF's text (docx.py, pdf.py); refuse what is not text (with a sentence
saying what it is), then find the encoding.

Order: byte-order marks (UTF-8, UTF-16 LE/BE, UTF-32), strict UTF-8, UTF-16 without a BOM by its NUL pattern,
then charset-normalizer restricted to the code pages transcripts are actually saved in. Line endings
(CRLF, CR-only, mixed) become `\n`.
"""

from __future__ import annotations

import codecs
import os
import stat
import time
from pathlib import Path
from typing import BinaryIO

from .docx import docx_text
from .model import TranscriptError
from .pdf import pdf_text

MAX_BYTES = 64 * 1024 * 1024  # a one-week transcript is ~10 MB; anything larger is not a transcript

# (signature at offset 0, what it is). Checked before decoding so that a renamed audio file gets a real answer.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"ID3", "an MP3 audio file"),
    (b"\xff\xfb", "an MP3 audio file"),
    (b"\xff\xf3", "an MP3 audio file"),
    (b"\xff\xf2", "an MP3 audio file"),
    (b"fLaC", "a FLAC audio file"),
    (b"OggS", "an Ogg audio file"),
    (b"%PDF", "a PDF document"),  # its text is read (pdf.py)
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or a spreadsheet, slides or an OpenDocument file)"),  # Word: docx.py
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x1aE\xdf\xa3", "a Matroska/WebM video"),
    (b"GGUF", "a GGUF model file"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ", "a Windows program"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
]

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

_CANDIDATES = [
    "cp1252",
    "latin_1",
    "cp1250",
    "cp1251",
    "iso8859_15",
    "mac_roman",
    "cp437",
    "shift_jis",
    "gb18030",
]


def sniff_binary(head: bytes) -> str | None:
    """What a binary file is, by its signature, or None when it may be text."""
    for sig, what in _SIGNATURES:
        if head.startswith(sig):
            return what
    if head[4:8] == b"ftyp":
        return "an MP4/M4A media file"
    if head.startswith(b"RIFF") and head[8:12] in (b"WAVE", b"AVI "):
        return "a WAV audio file" if head[8:12] == b"WAVE" else "an AVI video"
    return None


READ_ATTEMPTS = 3  # a file that is still being written gets this many tries before Recap gives up
RETRY_DELAY_S = 0.2


CHUNK = 1 << 20


def _read_all(f: BinaryIO, limit: int) -> bytes:
    """Up to `limit` bytes of the open file: as many as its size says, and one more to see it grow, then any rest in
    1 MB pieces. (A `read(limit)` allocates `limit` bytes before it reads: 64 MB for every file, whatever its
    size, measured with tracemalloc.)"""
    size = os.fstat(f.fileno()).st_size
    data = f.read(min(limit, size + 1))
    if len(data) <= size:  # the end of the file, where its size said
        return data
    parts, n = [data], len(data)
    while n < limit and (piece := f.read(min(CHUNK, limit - n))):
        parts.append(piece)
        n += len(piece)
    return b"".join(parts)


def _changed(before: os.stat_result, after: os.stat_result, data: bytes) -> bool:
    """Whether the file changed while it was read: its size or modification time moved, or the bytes read are not
    the size it had (special files such as /proc report size 0 and are left alone)."""
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
        return True
    return stat.S_ISREG(after.st_mode) and after.st_size > 0 and len(data) != after.st_size


def _kind(mode: int) -> str | None:
    """What a file that is not a regular file is, or None for a regular file. Opening a named pipe blocks until
    someone writes to it, and a device such as /dev/zero never ends: neither is opened for reading."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _refuse_special(name: str, mode: int) -> None:
    kind = _kind(mode)
    if kind is not None:
        raise TranscriptError(f"“{name}” is {kind}, not a transcript file.")


def _open_regular(path: Path, name: str) -> BinaryIO:
    """Open a file known (by stat) to be regular. O_NONBLOCK makes the open itself return at once should the path
    have been swapped for a named pipe since the stat; fstat on the open file then refuses it."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        _refuse_special(name, os.fstat(fd).st_mode)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a file for the reader, turning every OS failure into a sentence. Anything but a regular file (a
    folder, a named pipe, a device, a socket) is refused before it is opened. A file that changes while it is
    read (a transcription tool still writing it) is read again, up to READ_ATTEMPTS times; one that vanishes after
    it was opened is still read whole (the open file keeps its data)."""
    name = path.name
    for attempt in range(READ_ATTEMPTS):
        try:
            _refuse_special(name, os.stat(path).st_mode)
            with _open_regular(path, name) as f:
                before = os.fstat(f.fileno())
                if before.st_size > max_bytes:
                    raise TranscriptError(
                        f"“{name}” is {before.st_size / 2**20:.0f} MB; Recap reads transcripts up to "
                        f"{max_bytes / 2**20:.0f} MB."
                    )
                data = _read_all(f, max_bytes + 1)
                after = os.fstat(f.fileno())
        except FileNotFoundError as e:
            raise TranscriptError(f"“{name}” no longer exists.") from e
        except IsADirectoryError as e:
            raise TranscriptError(f"“{name}” is a folder, not a transcript file.") from e
        except PermissionError as e:
            raise TranscriptError(f"Recap may not read “{name}” (permission denied).") from e
        except OSError as e:
            raise TranscriptError(
                f"“{name}” could not be read: {e.strerror or os.strerror(e.errno or 0)}."
            ) from e
        if len(data) > max_bytes:
            raise TranscriptError(f"“{name}” grew past {max_bytes / 2**20:.0f} MB while it was being read.")
        if not _changed(before, after, data):
            return data
        if attempt + 1 < READ_ATTEMPTS:
            time.sleep(RETRY_DELAY_S)
    raise TranscriptError(
        f"“{name}” kept changing while Recap read it (is it still being written?). "
        "Try again when it is complete."
    )


def _utf16_by_nuls(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes, name: str = "the file") -> tuple[str, str]:
    """(text, encoding name) or TranscriptError. The text has `\n` line endings and no BOM."""
    what = sniff_binary(data[:16])
    if what and data.startswith(b"PK\x03\x04") and (text := docx_text(data, name)) is not None:
        return normalize_newlines(text), "docx"
    if what and data.startswith(b"%PDF"):
        return normalize_newlines(pdf_text(data, name)), "pdf"
    if what:
        raise TranscriptError(f"“{name}” is {what}, not a transcript.")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                raise TranscriptError(
                    f"“{name}” claims to be {enc.upper()} but is damaged at byte {e.start}."
                ) from e
            return normalize_newlines(text.lstrip("\ufeff")), enc.replace("-sig", "")
    if b"\x00" in data[:4096]:  # NULs are valid UTF-8, so UTF-16 without a BOM must be checked first
        enc16 = _utf16_by_nuls(data)
        if enc16:
            try:
                return normalize_newlines(data.decode(enc16)), enc16
            except UnicodeDecodeError:
                pass
    try:
        text = data.decode("utf-8")
        enc = "utf-8"
    except UnicodeDecodeError:
        if b"\x00" in data[:65536]:
            raise TranscriptError(f"“{name}” is a binary file, not a transcript.") from None
        text, enc = _detect(data, name)
    if "\x00" in text:
        raise TranscriptError(f"“{name}” is a binary file, not a transcript.")
    return normalize_newlines(text), enc


def _detect(data: bytes, name: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data, cp_isolation=_CANDIDATES))
    if not matches:
        raise TranscriptError(f"“{name}” is not text in any encoding Recap knows.")

    def rank(m: object) -> tuple[float, float, int]:
        enc = m.encoding  # type: ignore[attr-defined]
        pref = _CANDIDATES.index(enc) if enc in _CANDIDATES else len(_CANDIDATES)
        # charset-normalizer often scores cp1252 and cp1250 alike on Western text and lists cp1250 first;
        # on a tie, the more common code page (earlier in _CANDIDATES) wins.
        return (round(m.chaos, 2), -round(m.coherence, 2), pref)  # type: ignore[attr-defined]

    enc = min(matches, key=rank).encoding
    return data.decode(enc, errors="replace"), enc
