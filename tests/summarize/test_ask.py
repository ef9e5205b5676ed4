"""Finding the parts of a transcript that answer a question (BM25 over passages of whole segments)."""

from __future__ import annotations

from app.summarize.ask import PassageIndex, context_for, passages
from app.transcript import read_text

TOPICS = ["sourdough starter", "oven steam", "train timetables", "violin strings", "glacier melting"]


def _long() -> str:
    lines = []
    for i in range(200):  # 40 lines per topic, in order
        topic = TOPICS[i // 40]
        lines.append(f"{'Ann' if i % 2 else 'Ben'}: we talk about {topic} in detail, point {i}, with care.")
    return "\n".join(lines)


def test_passages_are_whole_segments_of_about_the_set_length() -> None:
    t = read_text(_long())
    ps = passages(t, words=60)
    assert ps[0].first == 0 and ps[-1].stop == len(t.segments)
    assert all(a.stop == b.first for a, b in zip(ps, ps[1:]))  # no segment lost or read twice
    assert all(p.text.startswith("[") and ("Ann: " in p.text or "Ben: " in p.text) for p in ps)


def test_the_passages_about_the_question_are_found_in_transcript_order() -> None:
    t = read_text(_long())
    found = context_for(t, "What did they say about the violin strings?", k=3)
    assert len(found) == 3 and all("violin" in p.text for p in found)
    assert [p.first for p in found] == sorted(p.first for p in found)
    index = PassageIndex(passages(t))
    assert index.search("glaciers")[0].text.count("glacier") > 0  # stemmed: glaciers finds glacier
    assert index.search("xylophone") == [] and index.search("?!") == []
    index.close()
    opening = context_for(t, "Warum?", k=2)  # no word of it occurs: the opening passages
    assert [p.first for p in opening] == [0, passages(t)[1].first]


def test_evidence_is_the_transcripts_own_sentences_with_their_times() -> None:
    from app.summarize.ask import evidence

    t = read_text(_long())
    found = context_for(t, "What about the violin strings?", k=2)
    said = evidence(t, found, "What about the violin strings?", n=2)
    assert len(said) == 2 and all("violin strings" in line for line in said)
    starts = {
        f"[{int(s.start_s) // 3600:02d}:{int(s.start_s) // 60 % 60:02d}:{int(s.start_s) % 60:02d}]"
        for s in t.segments
    }
    assert all(line.split(" ")[1] in starts for line in said)  # a real moment, each
    assert evidence(t, found, "?") == []


def test_words_that_only_frame_the_question_do_not_choose_the_passages() -> None:
    from app.summarize.ask import evidence

    lines = [f"Ann: they say what they think about it, they say it again and again, {i}." for i in range(30)]
    lines.insert(17, "Ben: the glacier is melting faster every summer.")
    t = read_text("\n".join(lines))
    q = "What do they say about the glacier?"
    found = context_for(t, q, k=1)
    assert "glacier" in found[0].text
    said = evidence(t, found, q, n=1)
    assert len(said) == 1 and "glacier is melting" in said[0]
