"""The history panel on a real store: newest first, search, a moved file said so, delete one, delete all (asked)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.summarize import Chapter, Result, Stats
from app.summarize.store import Store


def _result(title: str, summary: str) -> Result:
    return Result(title, 60.0, "exact", "tiny.gguf", (Chapter(0.0, "Start"),), summary, Stats())


def test_search_open_delete(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    from app.ui.history_panel import HistoryPanel

    here = tmp_path / "bread.srt"
    here.write_text("x")
    store = Store(tmp_path / "results.db")
    store.put_result("r1", str(here), _result("Bread", "About sourdough."))
    store.put_result("r2", str(tmp_path / "gone.srt"), _result("Meeting", "Budget talk."), partial=True)
    p = HistoryPanel(lambda: store)
    qtbot.addWidget(p)
    p.refresh()
    assert p.list.count() == 2 and not p.open_button.isEnabled()
    texts = [p.list.item(i).text() for i in range(2)]
    assert any("stopped part-way" in t for t in texts) and any("Bread" in t for t in texts)
    gone = next(p.list.item(i) for i in range(2) if "Meeting" in p.list.item(i).text())
    assert "no longer there" in gone.toolTip()
    p.search.setText("sourdough")  # the summary's words count
    assert p.list.count() == 1 and "Bread" in p.list.item(0).text()
    p.list.setCurrentRow(0)
    with qtbot.waitSignal(p.opened, timeout=1000) as got:
        p.open_button.click()
    assert got.args == ["r1"]
    p.delete_button.click()
    assert p.list.count() == 0 and [e.run for e in store.history()] == ["r2"]
    p.search.clear()
    p.ask_delete_all()
    assert p.confirm is not None and p.confirm.isVisible() and len(store.history()) == 1  # asked first
    p.confirm.button(QMessageBox.StandardButton.Cancel).click()
    assert len(store.history()) == 1
    p.ask_delete_all()
    p.confirm.button(QMessageBox.StandardButton.Yes).click()
    assert store.history() == [] and p.list.count() == 0
    store.close()
