"""Ask the transcript in the window: the answer streams, its citations are links to real moments, Stop ends it,
and questions are kept with the result."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QUrl

from app.summarize import Options
from tests.helpers import DATA, drop, run_until

PREMIERE = DATA / "premiere.txt"  # lines start at 0:05, 0:20, 1:02 and 3:11


def test_a_streamed_answer_with_links_kept_in_the_history(make_window, aloop, tiny_model, qtbot) -> None:  # noqa: ANN001
    w = make_window(tiny_model)
    drop(w, PREMIERE)
    job = w.jobs.jobs[0]
    run_until(aloop, lambda: job.state == "done", timeout=60)
    panel = w.workspace.ask_panel
    assert panel.button.isEnabled()
    pieces: list[str] = []
    w.runner.answerDelta.connect(lambda j, t: pieces.append(t))
    qtbot.keyClicks(panel.question, "Why do home ovens lose steam?")
    qtbot.keyClick(panel.question, Qt.Key.Key_Return)
    assert panel.answering and not panel.button.isEnabled() and w.commands.stop.isEnabled()
    run_until(aloop, lambda: not panel.answering, timeout=60)
    text = panel.answers.toPlainText()
    assert "Why do home ovens lose steam?" in text and panel.question.text() == ""
    answer = w.results.store.answers(job.run)
    assert answer and answer[-1][0] == "Why do home ovens lose steam?"  # kept with the result
    assert "".join(pieces).strip()[:20] in answer[-1][1]  # streamed in pieces, before it was complete
    # every citation that reached the view is a link to a moment that exists in the transcript
    real = {int(s.start_s) for s in job.transcript.segments}
    links = [int(float(m)) for m in re.findall(r"recap-time:([\d.]+)", panel.answers.toHtml())]
    assert all(s in real for s in links)
    panel.answers.anchorClicked.emit(QUrl("recap-time:191"))  # a citation's link moves the transcript
    assert w.workspace.transcript_view.highlighted == 3
    # the same file shown again lists the question with its answer
    w.show_job(job)
    assert "Why do home ovens lose steam?" in panel.answers.toPlainText()


def test_stop_ends_an_answer(make_window, aloop, slow_model) -> None:  # noqa: ANN001
    w = make_window(slow_model, Options(summary_max_tokens=40, notes_max_tokens=3000))
    drop(w, PREMIERE)
    job = w.jobs.jobs[0]
    run_until(aloop, lambda: job.state == "done" or job.state == "failed", timeout=300)
    panel = w.workspace.ask_panel
    panel.question.setText("What is the starter?")
    panel.ask()
    run_until(aloop, lambda: w.models.engine.phase == "generating", timeout=60)
    w.commands.stop.trigger()
    run_until(aloop, lambda: not panel.answering and not w.runner.busy, timeout=5)
    assert w.models.engine.phase == "idle" or run_until(
        aloop, lambda: w.models.engine.phase == "idle", timeout=5
    )
    assert job.state == "done"  # stopping an answer leaves the file's result alone
    assert "(stopped)" in panel.answers.toPlainText() or "(no answer)" in panel.answers.toPlainText()
