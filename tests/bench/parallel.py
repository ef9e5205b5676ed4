"""The map phase with windows read concurrently, on the paced stand-in for a model server with N slots
(tests/standin_server.py: N llama.cpp instances of the generated tiny model behind one endpoint, each request at a
fixed speed, so the figures measure Recap's scheduling and not this machine's cores).

    python -m tests.bench.parallel [--slots 1 2 4] [--minutes 40] [--gen-tps 100] [--prompt-tps 5000]

Prints, per number of slots, the map phase's seconds (first "Reading part" to "Writing summary"), the speed-up over
one slot, the most requests the server saw at once, and whether the chapters are those of the one-slot run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--slots", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--minutes", type=int, default=40)
    p.add_argument("--gen-tps", type=float, default=100.0)
    p.add_argument("--prompt-tps", type=float, default=5000.0)
    a = p.parse_args(argv)

    from app.summarize import Finished
    from tests.make_model import make_model
    from tests.standin_server import PacedServer, map_seconds, summarize, topic_transcript

    with tempfile.TemporaryDirectory() as d:
        model = Path(d) / "tiny.gguf"
        make_model(model, shape="tiny")
        t = topic_transcript(a.minutes)
        base: tuple[float, list[tuple[float, str]]] | None = None
        print(f"{'slots':>5} {'map s':>7} {'speed-up':>8} {'at once':>7} {'windows':>7}  same chapters")
        for n in a.slots:
            with PacedServer(model, n, prompt_tps=a.prompt_tps, gen_tps=a.gen_tps) as server:
                events = summarize(server, t)
                peak = server.peak
            seconds = map_seconds(events)
            result = next(ev for _, ev in events if isinstance(ev, Finished)).result
            chapters = [(c.start_s, c.title) for c in result.chapters]
            if base is None:
                base = (seconds, chapters)
            print(
                f"{n:>5} {seconds:>7.2f} {base[0] / seconds:>7.2f}x {peak:>7} {result.stats.windows:>7}  "
                f"{'yes' if chapters == base[1] else 'NO'}"
            )


if __name__ == "__main__":
    main()
