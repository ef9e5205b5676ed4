"""The progress line: stage, bar and time left while busy; Stop enabled only then."""

from __future__ import annotations


def test_busy_and_idle(qtbot) -> None:  # noqa: ANN001
    from app.ui.progress_panel import ProgressPanel

    p = ProgressPanel()
    qtbot.addWidget(p)
    assert not p.busy and p.stage.text() == "Idle"
    p.show_progress("Reading part 2 of 5", 0.4, 125.0)
    assert p.busy and p.bar.value() == 400 and p.eta.text() == "about 2:05 left"
    p.show_progress("Writing summary", 1.7, 0.4)  # out-of-range fraction and a second left: clamped, no eta
    assert p.bar.value() == 1000 and p.eta.text() == ""
    with qtbot.waitSignal(p.stopRequested, timeout=1000):
        p.stop_button.click()
    p.set_idle("done", 1.0)
    assert not p.busy and p.stage.text() == "done" and not p.stop_button.isEnabled()
