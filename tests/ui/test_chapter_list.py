"""The chapter list: each chapter with its time (≈ when estimated); a click asks to seek to its start."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.summarize import Chapter


def test_rows_and_seek(qtbot) -> None:  # noqa: ANN001
    from app.ui.chapter_list import ChapterList

    cl = ChapterList()
    qtbot.addWidget(cl)
    cl.show()
    cl.set_chapters([Chapter(0.0, "Welcome"), Chapter(191.0, "Ovens and steam")], estimated=False)
    assert [cl.item(i).text() for i in range(cl.count())] == ["0:00   Welcome", "3:11   Ovens and steam"]
    seeks: list[float] = []
    cl.seek.connect(seeks.append)
    rect = cl.visualItemRect(cl.item(1))
    qtbot.mouseClick(cl.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert seeks == [191.0]
    cl.set_chapters([Chapter(0.0, "Start")], estimated=True)
    cl.add_chapter(Chapter(75.0, "Later"))
    assert cl.count() == 2 and cl.item(1).text().startswith("≈1:15")
