"""Word documents: transcripts exported as .docx by transcription services, written here by python-docx (a real
Word writer, independent of the reader), read by `read_file` like any transcript."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from app import cli
from app.transcript import TranscriptError, read_file
from app.transcript import docx as word
from app.transcript.files import expand_paths
from tests.helpers import REV, rev_docx


def test_a_rev_word_export_reads_like_its_text_export(tmp_path: Path) -> None:
    t = read_file(rev_docx(tmp_path / "interview.docx"))
    assert t.encoding == "docx"
    assert t.timing == "exact"
    assert [(s.start_s, s.speaker, s.text) for s in t.segments] == [
        (0.0, "Speaker 1", REV[0][2]),
        (15.0, "Speaker 2", REV[1][2]),
        (62.0, "Speaker 1", REV[2][2]),
        (100.0, "Speaker 2", REV[3][2]),
    ]


def test_an_otter_word_export_keeps_its_speakers(tmp_path: Path) -> None:
    d = docx.Document()
    for name, time, text in [
        ("Stefan Smith", "0:03", "Welcome back to another episode of the show."),
        ("Jens", "0:15", "I want to talk about the new plugin system we built."),
        ("Stefan Smith", "0:42", "Then let us get right into it, the plugin system."),
    ]:
        d.add_paragraph(f"{name}  {time}")
        d.add_paragraph(text)
    d.save(str(tmp_path / "otter.docx"))
    t = read_file(tmp_path / "otter.docx")
    assert [(s.start_s, s.speaker) for s in t.segments] == [
        (3.0, "Stefan Smith"),
        (15.0, "Jens"),
        (42.0, "Stefan Smith"),
    ]


def test_a_table_of_time_speaker_and_text_is_a_line_a_row(tmp_path: Path) -> None:
    """Some services export a table; its rows are read in order, between paragraphs, as timestamped lines."""
    rows = [
        ("00:00:01", "Ann", "We start with the budget for next year."),
        ("00:00:09", "Ben", "The budget is tight, so we cut travel."),
        ("00:00:20", "Ann", "Travel was a third of it last year."),
        ("00:00:31", "Ben", "Then we agree and move on to hiring."),
    ]
    d = docx.Document()
    d.add_paragraph("Budget meeting")
    table = d.add_table(rows=0, cols=3)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
    d.save(str(tmp_path / "table.docx"))
    t = read_file(tmp_path / "table.docx")
    seconds = [1.0, 9.0, 20.0, 31.0]
    expected = [(at, speaker, text) for at, (_, speaker, text) in zip(seconds, rows, strict=True)]
    assert [(s.start_s, s.speaker, s.text) for s in t.segments] == expected


def test_line_breaks_and_tabs_inside_a_paragraph_are_kept(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph("[00:00:05] Ann: first line")
    run = p.add_run()
    run.add_break()
    run.add_text("[00:00:09] Ben: second line\tafter a tab")
    d.save(str(tmp_path / "breaks.docx"))
    text = word.docx_text((tmp_path / "breaks.docx").read_bytes())
    assert text == "[00:00:05] Ann: first line\n[00:00:09] Ben: second line\tafter a tab\n"


def test_a_folder_batch_takes_word_documents(tmp_path: Path) -> None:
    rev_docx(tmp_path / "a.docx")
    (tmp_path / "b.mp3").write_bytes(b"ID3")
    files, skipped = expand_paths([tmp_path])
    assert files == [str(tmp_path / "a.docx")] and skipped == [str(tmp_path / "b.mp3")]


def test_a_damaged_word_document_gets_a_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = rev_docx(tmp_path / "good.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data[: len(data) // 2] if n == "word/document.xml" else data)  # XML cut in half
    (tmp_path / "broken.docx").write_bytes(broken.getvalue())
    with pytest.raises(TranscriptError, match=r"“broken.docx” is a damaged Word document \(its text is not"):
        read_file(tmp_path / "broken.docx")
    assert cli.main(["inspect", str(tmp_path / "broken.docx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "damaged Word document" in err and "Traceback" not in err


def test_a_zip_that_is_not_a_word_document_is_still_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "hello")
    (tmp_path / "notes.docx").write_bytes(buf.getvalue())
    with pytest.raises(TranscriptError, match="is a ZIP archive"):
        read_file(tmp_path / "notes.docx")


def test_a_word_document_that_unpacks_too_large_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The size the package declares for its text part is checked before anything is unpacked (zipfile gives no
    more than that size): a ZIP bomb named .docx gets a sentence."""
    path = rev_docx(tmp_path / "big.docx")
    monkeypatch.setattr(word, "MAX_XML_BYTES", 1000)
    with pytest.raises(
        TranscriptError, match="“big.docx” is a Word document whose text part is 0 MB unpacked"
    ):
        read_file(path)
