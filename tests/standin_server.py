"""A stand-in for a model server with several slots (llama-server `--parallel N`), named as one: this machine's two
cores cannot run N real servers side by side at a speed that is the servers' and not the cores'.

What is real: the HTTP (an OpenAI-compatible endpoint on loopback: `/v1/models`, `/props` with `total_slots` and
the slot's `n_ctx`, `/tokenize`, `/v1/chat/completions` streamed as server-sent events) and the text: N
`llama_cpp.Llama` instances of a generated test model (one thread each), one per slot, each answering greedily
(the same prompt gets the same answer whichever slot reads it). At most N requests are answered at once; more wait
for a free slot, as they do on llama-server.

What is stood in: the speed. Each request is paced: its prompt is "read" at `prompt_tps` tokens a second and its
tokens are released at `gen_tps` tokens a second (the model's own work, far quicker on the tiny model, happens
within those times), so a request takes the same time however many run at once, and a test of Recap's scheduling
measures the scheduling, not the cores. To keep the model's work within those times on two busy cores, it reads a
digest of the prompt (`read_tokens` of its tokens, evenly spread, then its last ones): a 1,300-token prompt read
whole costs the tiny model about a second on one thread here (attention grows with the square of the length), a
128-token digest a few milliseconds; the answer still depends on the whole prompt. An answer ends after `answer_tokens` tokens (or the request's max_tokens,
reported as "length"), so the amount of work is the same in every run. While it waits, a request watches its
connection: a client that hangs up ends it at once (`Served.how == "client gone"`), as a dropped connection ends a
generation on llama-server.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import json
import queue
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from app.engine.openai_engine import OpenAIEngine
from app.summarize import Options, Progress, Summarizer
from app.transcript import Transcript, read_text


@dataclass
class Served:
    """One chat request as the stand-in saw it (times from time.perf_counter())."""

    slot: int
    prompt_tokens: int
    started: float  # a slot took it
    ended: float = 0.0
    generated: int = 0
    how: str = ""  # "done" | "client gone"


class PacedServer:
    """N paced llama.cpp slots behind one OpenAI-compatible endpoint on loopback (a stand-in: see the module)."""

    def __init__(
        self,
        model: Path,
        slots: int,
        *,
        n_ctx: int = 2048,
        prompt_tps: float = 5000.0,
        gen_tps: float = 100.0,
        answer_tokens: int = 16,
        read_tokens: int = 128,
    ) -> None:
        import llama_cpp

        self.slots = slots
        self.n_ctx = n_ctx
        self.prompt_tps = prompt_tps
        self.gen_tps = gen_tps
        self.answer_tokens = answer_tokens
        self.read_tokens = read_tokens
        self.served: list[Served] = []
        self.active = 0  # requests holding a slot now
        self.peak = 0  # the most at once
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._handlers = 0
        self._idle = threading.Condition(self._lock)
        self._llms = [
            llama_cpp.Llama(str(model), n_ctx=n_ctx, n_threads=1, n_batch=512, verbose=False)
            for _ in range(slots)
        ]
        self._free: queue.Queue[int] = queue.Queue()
        for i in range(slots):
            self._free.put(i)
        self._vocab = llama_cpp.Llama(str(model), vocab_only=True, verbose=False)
        self._vocab_lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a: Any) -> None:
                pass

            def _json(self, data: object, status: int = 200) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/v1/models":
                    self._json({"object": "list", "data": [{"id": "stand-in", "object": "model"}]})
                elif self.path == "/props":
                    self._json(
                        {
                            "default_generation_settings": {"n_ctx": stand_in.n_ctx},
                            "total_slots": stand_in.slots,
                        }
                    )
                else:
                    self.send_error(404)

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if self.path == "/tokenize":
                    self._json({"tokens": stand_in.tokenize(str(body.get("content", "")))})
                elif self.path == "/v1/chat/completions":
                    with stand_in._handler():
                        stand_in._chat(self, body)
                else:
                    self.send_error(404)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, name="standin-http", daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    # ---- the work ------------------------------------------------------------------------------------------

    def generating(self) -> int:
        """Requests past their prompt, writing their answer now."""
        with self._lock:
            return sum(1 for s in self.served if not s.ended and s.generated)

    def tokenize(self, text: str, special: bool = False) -> list[int]:
        with self._vocab_lock:
            return list(self._vocab.tokenize(text.encode("utf-8"), add_bos=False, special=special))

    @contextlib.contextmanager
    def _handler(self) -> Any:
        with self._lock:
            self._handlers += 1
        try:
            yield
        finally:
            with self._lock:
                self._handlers -= 1
                self._idle.notify_all()

    def _wait(self, conn: socket.socket, deadline: float) -> bool:
        """Wait until `deadline`, watching the connection; False as soon as the client hangs up (or on close)."""
        while not self._closing.is_set():
            left = deadline - time.perf_counter()
            if left <= 0:
                return True
            readable, _, _ = select.select([conn], [], [], min(left, 0.05))
            if readable:
                try:
                    if conn.recv(1, socket.MSG_PEEK) == b"":
                        return False
                except OSError:
                    return False
                time.sleep(min(left, 0.005))  # (bytes after the request: not a hang-up; never expected)
        return False

    def _chat(self, h: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        import llama_cpp

        prompt = "".join(
            f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in body.get("messages", [])
        )
        tokens = self.tokenize(prompt + "<|im_start|>assistant\n", special=True)
        max_tokens = int(body.get("max_tokens") or 256)
        while True:  # a free slot; more requests than slots wait here
            try:
                slot = self._free.get(timeout=0.05)
                break
            except queue.Empty:
                if self._closing.is_set():
                    return
        s = Served(slot, len(tokens), time.perf_counter())
        with self._lock:
            self.served.append(s)
            self.active += 1
            self.peak = max(self.peak, self.active)
        llm = self._llms[slot]
        conn = h.connection
        try:
            h.send_response(200)
            h.send_header("Content-Type", "text/event-stream")
            h.send_header("Connection", "close")
            h.end_headers()
            step = max(1, -(-len(tokens) // self.read_tokens))
            digest = tokens[:-16:step] + tokens[-16:]  # (the end: the assistant's turn begins there)
            llm.reset()  # every digest read whole: the same numbers in every slot
            gen = llm.generate(digest, temp=0.0, top_k=1, top_p=1.0, min_p=0.0, repeat_penalty=1.0)
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            at = s.started + len(tokens) / self.prompt_tps
            finish = "stop"
            s.how = "done"
            try:
                for token in gen:  # (the first one comes once the prompt is evaluated)
                    if llama_cpp.llama_vocab_is_eog(llm._model.vocab, token):
                        break
                    if s.generated >= max_tokens:
                        finish = "length"
                        break
                    if s.generated >= self.answer_tokens:
                        break
                    at += 1 / self.gen_tps
                    if not self._wait(conn, at):
                        s.how = "client gone"
                        return
                    s.generated += 1
                    piece = decoder.decode(llm.detokenize([token]))
                    chunk = {"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                    h.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            finally:
                gen.close()
            end = {"choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}
            h.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
        except OSError:  # the client hung up while we wrote
            s.how = "client gone"
        finally:
            s.ended = time.perf_counter()
            with self._lock:
                self.active -= 1
            self._free.put(slot)

    def close(self) -> None:
        """Stop serving: waiting requests give up, running ones end; then the models are freed."""
        self._closing.set()
        self.server.shutdown()
        self.server.server_close()
        with self._lock:
            self._idle.wait_for(lambda: self._handlers == 0, timeout=10)
        for llm in [*self._llms, self._vocab]:
            llm.close()

    def __enter__(self) -> PacedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---- a run against it, timed (tests/summarize/test_parallel_windows.py, tests/bench/parallel.py) -------------

TOPICS = ["bread", "ovens", "coffee", "trains", "gardens", "violins", "glaciers", "taxes", "chess", "bees"]


def topic_transcript(minutes: int) -> Transcript:
    """A line every 15 s (speaker lines, times estimated), a new topic every 5 minutes."""
    return read_text(
        "\n".join(
            f"{'Ann' if i % 3 else 'Ben'}: we talk about {TOPICS[i // 20 % 10]} and the details of "
            f"{TOPICS[i // 20 % 10]} number {i} in some depth today."
            for i in range(minutes * 4)
        )
    )


def episode_files(folder: Path, n: int) -> list[Path]:
    """n short transcripts of one window each (their requests come one after the other: nothing within a file to
    read at once), each on its own topics: a batch whose speed-up on slots can only come from files at once."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        p = folder / f"episode-{k}.txt"
        p.write_text(
            "\n".join(
                f"{'Ann' if i % 3 else 'Ben'}: we talk about {TOPICS[(k + i // 12) % 10]} today, line {i}."
                for i in range(24)
            )
        )
        paths.append(p)
    return paths


OPTIONS = Options(window_tokens=1200, notes_max_tokens=32, summary_max_tokens=32, use_grammar=False)


def summarize(
    server: PacedServer, t: Transcript, on_event: Callable[[Summarizer, object], None] | None = None
) -> list[tuple[float, object]]:
    """The run's events, each with the time.perf_counter() it arrived at."""

    async def main() -> list[tuple[float, object]]:
        engine = OpenAIEngine(server.url)
        s = Summarizer(engine, OPTIONS)
        out: list[tuple[float, object]] = []
        try:
            async with contextlib.aclosing(s.run(t)) as evs:
                async for ev in evs:
                    out.append((time.perf_counter(), ev))
                    if on_event:
                        on_event(s, ev)
        finally:
            await engine.close()
        assert engine.slots == server.slots  # the server's total_slots, with no setting
        return out

    return asyncio.run(main())


def map_seconds(events: list[tuple[float, object]]) -> float:
    """From the first "Reading part" to "Writing summary": the map phase."""
    stages = [(at, ev.stage) for at, ev in events if isinstance(ev, Progress)]
    first = next(at for at, stage in stages if stage.startswith("Reading part"))
    return next(at for at, stage in stages if stage == "Writing summary") - first
