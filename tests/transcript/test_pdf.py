"""PDF transcripts: written here by fpdf2 (a real PDF writer, independent of the reader), with the running header,
footer and page numbers that services put on every page, read by `read_file` like any transcript."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from app import cli
from app.transcript import TranscriptError, read_file
from app.transcript.files import expand_paths, refusal

TOPICS = ["rust and its compiler", "go and its readability", "hiring for a small team", "the plugin system"]
TURNS = [
    (
        speaker,
        time,
        " ".join(
            f"Point {n} on {topic} is one more thing we say about it, in other words." for n in range(30)
        ),
    )
    for (speaker, time), topic in zip(
        [("Speaker 1", "00:00"), ("Speaker 2", "00:15"), ("Speaker 1", "01:02"), ("Speaker 2", "01:40")],
        TOPICS,
        strict=True,
    )
]


class RevPage(FPDF):
    """Rev's PDF layout: the file's name at the top of each page, "Transcript by Rev.com" and the page number at
    the bottom."""

    def header(self) -> None:
        self.set_font("helvetica", size=9)
        self.cell(0, 8, "Interview with Jane (Completed 03/04/26)", new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("helvetica", size=9)
        self.cell(0, 8, f"Transcript by Rev.com    Page {self.page_no()} of {{nb}}")


def rev_pdf(path: Path) -> Path:
    """The turns, each paragraph wrapped over many lines, running over three pages or more."""
    pdf = RevPage()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for speaker, time, text in TURNS:
        pdf.multi_cell(0, 6, f"{speaker} ({time}):", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_a_rev_pdf_reads_like_its_text_export_without_headers_and_footers(tmp_path: Path) -> None:
    path = rev_pdf(tmp_path / "interview.pdf")
    assert len(PdfReader(path).pages) >= 3
    t = read_file(path)
    assert t.encoding == "pdf"
    assert t.timing == "exact"
    assert [(s.start_s, s.speaker) for s in t.segments] == [
        (0.0, "Speaker 1"),
        (15.0, "Speaker 2"),
        (62.0, "Speaker 1"),
        (100.0, "Speaker 2"),
    ]
    said = " ".join(s.text for s in t.segments)
    assert "Rev.com" not in said and "Page" not in said and "Completed" not in said
    for _speaker, _time, text in TURNS:  # the lines a paragraph wrapped into are one text again
        assert text in said


def test_a_pdf_with_no_text_gets_a_sentence(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a page that is only a picture, as a scan is
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(
        TranscriptError, match=r"“scan.pdf” is a PDF with no text in it, only images of pages"
    ):
        read_file(tmp_path / "scan.pdf")


def test_a_password_protected_pdf_gets_a_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "Speaker 1 (00:00):\nA secret meeting.")
    pdf.output(str(tmp_path / "locked.pdf"))
    with pytest.raises(TranscriptError, match="“locked.pdf” is a password-protected PDF"):
        read_file(tmp_path / "locked.pdf")
    assert cli.main(["inspect", str(tmp_path / "locked.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "password-protected PDF" in err and "Traceback" not in err


def test_a_truncated_pdf_gets_a_sentence_and_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = rev_pdf(tmp_path / "whole.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 3])
    assert cli.main(["inspect", str(tmp_path / "cut.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "“cut.pdf” is a damaged PDF" in err, err  # pypdf's own log stays quiet


def test_pdfs_are_taken_by_a_folder_batch_and_a_drop(tmp_path: Path) -> None:
    rev_pdf(tmp_path / "a.pdf")
    files, skipped = expand_paths([tmp_path])
    assert files == [str(tmp_path / "a.pdf")] and skipped == []
    assert refusal([str(tmp_path / "a.pdf")]) is None


def test_turns_at_the_top_and_bottom_of_pages_are_kept(tmp_path: Path) -> None:
    """Short turns over many pages put a turn's header ("Speaker 2 (03:15):") at the edge of most pages, where
    running headers stand: alike but for their digits, they are still the transcript's own lines."""
    pdf = RevPage()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for i in range(300):
        pdf.multi_cell(
            0, 6, f"Speaker {i % 3 + 1} ({i // 60:02d}:{i % 60:02d}):", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.multi_cell(
            0, 6, f"Point {i} is about topic {i % 17}, and a few more words on it.", new_x="LMARGIN"
        )
        pdf.ln(6)
    pdf.output(str(tmp_path / "many.pdf"))
    assert len(PdfReader(tmp_path / "many.pdf").pages) >= 10
    t = read_file(tmp_path / "many.pdf")
    assert [s.start_s for s in t.segments] == [float(i) for i in range(300)]
    assert all(s.text.startswith(f"Point {i} ") for i, s in enumerate(t.segments))


def test_speaker_labelled_lines_that_wrap_keep_every_turn(tmp_path: Path) -> None:
    """`Name: text` turns, each wrapped over two lines or more: a wrapped line is joined to the next one only when
    that one does not begin a turn."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    names = ["Ann", "Ben", "Cleo"]
    for i in range(30):  # turns of many lengths: some end on a line that runs to the page's width
        text = f"{names[i % 3]}: point {i} on the budget, " + "and more words about it " * (3 + i)
        pdf.multi_cell(0, 6, text.strip(), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "labelled.pdf"))
    t = read_file(tmp_path / "labelled.pdf")
    assert [(s.speaker, s.text.split(",")[0]) for s in t.segments] == [
        (names[i % 3], f"point {i} on the budget") for i in range(30)
    ]


class NumberedPage(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("helvetica", size=9)
        self.cell(0, 8, f"- {self.page_no()} -", align="C")


def test_a_lone_page_number_at_a_page_edge_is_left_out(tmp_path: Path) -> None:
    pdf = NumberedPage()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for i in range(120):
        pdf.multi_cell(0, 6, f"[00:{i // 60:02d}:{i % 60:02d}] Ann: line {i} of the talk.", new_x="LMARGIN")
        pdf.ln(6)
    pdf.output(str(tmp_path / "numbered.pdf"))
    assert len(PdfReader(tmp_path / "numbered.pdf").pages) >= 3
    t = read_file(tmp_path / "numbered.pdf")
    assert [s.text for s in t.segments] == [f"line {i} of the talk." for i in range(120)]
