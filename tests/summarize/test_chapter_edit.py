"""Chapter edits without Qt: each returns the new list with its ends, or refuses with the rule it would break."""

from __future__ import annotations

import pytest

from app.summarize import Chapter
from app.summarize import chapter_edit as edit
from app.summarize.chapter_edit import EditRefused, Timeline

# segment starts every 15 s for 10 minutes
TL = Timeline.of([i * 15.0 for i in range(40)], 600.0)
BASE = (Chapter(0.0, "Welcome", 120.0), Chapter(120.0, "Bread", 300.0), Chapter(300.0, "Ovens", 600.0))


def titles(ch: tuple[Chapter, ...]) -> list[str]:
    return [c.title for c in ch]


def test_rename_keeps_times_and_cleans_the_title() -> None:
    out = edit.rename(BASE, 1, "  Sourdough **starters** ", TL)
    assert titles(out) == ["Welcome", "Sourdough starters", "Ovens"] and out[1].start_s == 120.0
    with pytest.raises(EditRefused, match="needs a title"):
        edit.rename(BASE, 1, "   ", TL)
    with pytest.raises(EditRefused, match="same title"):
        edit.rename(BASE, 1, "ovens", TL)
    with pytest.raises(EditRefused, match="at most 60"):
        edit.rename(BASE, 1, "x" * 61, TL)


def test_delete_and_merge_extend_the_chapter_before() -> None:
    out = edit.delete(BASE, 1, TL)
    assert titles(out) == ["Welcome", "Ovens"] and out[0].end_s == 300.0
    with pytest.raises(EditRefused, match="first chapter can't be deleted"):
        edit.delete(BASE, 0, TL)
    merged = edit.merge_next(BASE, 0, TL)
    assert titles(merged) == ["Welcome", "Ovens"] and merged[0].end_s == 300.0
    with pytest.raises(EditRefused, match="no next chapter"):
        edit.merge_next(BASE, 2, TL)
    same = (Chapter(0.0, "A"), Chapter(60.0, "B"), Chapter(120.0, "A"))
    with pytest.raises(EditRefused, match="same title"):  # the two now side by side
        edit.delete(same, 1, TL)


def test_add_at_a_line_in_order_and_only_at_line_starts() -> None:
    out = edit.add(BASE, 195.0, "Starter care", TL)
    assert [(c.start_s, c.title) for c in out][1:3] == [(120.0, "Bread"), (195.0, "Starter care")]
    assert out[1].end_s == 195.0 and out[2].end_s == 300.0
    with pytest.raises(EditRefused, match="nothing starts at 3:20"):
        edit.add(BASE, 200.0, "Off the grid", TL)
    with pytest.raises(EditRefused, match="already starts at 2:00"):
        edit.add(BASE, 120.0, "Again", TL)
    with pytest.raises(EditRefused, match="at least 10 s apart"):
        edit.add((Chapter(0.0, "A"),), 5.0, "Too close", Timeline.of([0, 5, 20], 60))


def test_move_and_nudge_stay_between_the_neighbours() -> None:
    out = edit.move(BASE, 1, 150.0, TL)
    assert out[1].start_s == 150.0 and out[0].end_s == 150.0
    assert edit.nudge(BASE, 1, -1, TL)[1].start_s == 105.0
    assert edit.nudge(BASE, 1, 1, TL)[1].start_s == 135.0
    with pytest.raises(EditRefused, match="always starts at 0:00"):
        edit.move(BASE, 0, 15.0, TL)
    with pytest.raises(EditRefused, match="between the chapters before and after"):
        edit.move(BASE, 1, 450.0, TL)
    end = Timeline.of([0.0, 15.0, 30.0], 60.0)
    last = (Chapter(0.0, "A"), Chapter(30.0, "B"))
    with pytest.raises(EditRefused, match="no segment start further"):
        edit.nudge(last, 1, 1, end)
