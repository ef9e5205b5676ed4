"""The local model: one GGUF file, one worker thread, tokens streamed to the asyncio loop.

Thread contract
- One dedicated thread ("recap-llama") owns the `Llama` object: every llama_cpp call happens there, one job
  at a time, in submission order.
- Results and tokens cross to the asyncio loop only through app/engine/bridge.py (a `Channel` for the tokens of
  a stream, `call_and_settle` for a job's result); that thread touches no other loop state and no widget.
- `stop()` may be called from any thread. It aborts the running job at the next token, and inside prompt
  evaluation through llama.cpp's abort callback (checked between graph nodes), so it takes effect within
  milliseconds even in the middle of a long prompt, and inside a model load through llama.cpp's progress
  callback (called between tensors; see `_abortable_llama`). The engine stays usable afterwards.

llama_cpp is imported in this package only (app/engine), and lazily, so that the window shows before it loads.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import functools
import logging
import os
import queue
import threading
import time
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import fit
from .bridge import Channel, call_and_settle
from .errors import EngineError, GenerationCancelled, PromptTooLong
from .hardware import physical_cores

if TYPE_CHECKING:
    from .lazy_grammar import LazyGrammar

DEFAULT_CTX = fit.DEFAULT_CTX
# Flash attention: llama.cpp's own default ("auto": on where the backend has it), which llama-cpp-python turns off
# unless asked. On a 2-core CPU it read SmolLM2's prompts 1.2x as fast at depth 0 and 1.6x at depth 3,000 (248 ->
# 297 and 111 -> 173 tok/s), the depths a window's lines are read at. Benchmarks build their bare llama.cpp with it.
FLASH_ATTN = True
CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


@dataclass(frozen=True)
class ModelInfo:
    path: str
    name: str
    n_ctx: int  # the context Recap runs with
    n_ctx_train: int  # the context the model was trained with
    n_vocab: int
    n_threads: int
    chat_template: bool  # False when the file has none and ChatML is assumed


@dataclass(frozen=True)
class Sampling:
    temperature: float = 0.3
    top_k: int = 40
    top_p: float = 0.9
    min_p: float = 0.05
    repeat_penalty: float = 1.1

    def generate_kwargs(self) -> dict[str, float]:
        """These settings as `Llama.generate` takes them (the engine's and the benchmarks' bare loops alike)."""
        return {
            "temp": self.temperature,
            "top_k": self.top_k,
            "top_p": self.top_p,
            "min_p": self.min_p,
            "repeat_penalty": self.repeat_penalty,
        }


@dataclass
class RequestStats:
    prompt_tokens: int = 0  # the prompt's full length
    prompt_evaluated: int = 0  # what the model had to read (the rest came from the KV cache)
    generated_tokens: int = 0
    hit_cap: bool = False  # stopped by max_tokens, not by the model
    prompt_s: float = 0.0
    generate_s: float = 0.0
    first_token_at: float | None = None  # time.perf_counter() when the first token left the model


@dataclass(frozen=True)
class RequestRecord:
    """One finished request, for benchmarks (LlamaEngine.requests)."""

    prompt: list[int]
    grammar: str | None
    generated: int
    hit_cap: bool  # False: one more token was sampled (an end of generation, or the caller had left)
    stats: RequestStats


Message = dict[str, str]


class _Job:
    __slots__ = ("fn", "cancel")

    def __init__(self, fn: Callable[[_Job], None]) -> None:
        self.fn = fn
        self.cancel = threading.Event()


class LlamaEngine:
    """Async facade over a llama_cpp.Llama living on its own thread."""

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        *,
        n_ctx: int | None = None,
        n_threads: int | None = None,
        n_gpu_layers: int = 0,
        n_batch: int = 512,
        seed: int = 1234,
        sampling: Sampling | None = None,
    ) -> None:
        self.model_path = str(model_path)
        self._want_ctx = n_ctx
        self.n_threads = n_threads or physical_cores()
        self.n_gpu_layers = n_gpu_layers  # -1: all, when the installed llama.cpp has a GPU backend
        self.n_batch = n_batch
        self.seed = seed
        self.sampling = sampling or Sampling()
        self.info: ModelInfo | None = None
        self.last_stats = RequestStats()
        self._llm: Any = None
        self._formatter: Any = None
        self._abort_cb: Any = None
        self._orphan: threading.Thread | None = None  # a load left behind by Stop, still ending
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._active: set[_Job] = set()
        self._active_lock = threading.Lock()
        self._current: _Job | None = None  # the job running on the worker (read by the abort callback)
        self._thread = threading.Thread(target=self._run, name="recap-llama", daemon=True)
        self._thread.start()
        self._closed = False
        self._loading: asyncio.Future[ModelInfo] | None = None  # the load that load() callers share
        self._loading_job: _Job | None = None  # its job: cancelled by stop()
        # What the worker is doing: "idle", "loading", "prompt" (evaluating a prompt) or "generating".
        # Written by the worker thread only; read anywhere (a str assignment is atomic).
        self.phase = "idle"
        # Called on the worker thread with each new phase, as it begins (tests and benchmarks; keep it short).
        self.on_phase: Callable[[str], None] | None = None
        # Benchmarks set this to a list: the worker appends (time.perf_counter(), characters) per emitted piece.
        self.trace: list[tuple[float, int]] | None = None
        # Benchmarks set this to a list: the worker appends each finished request (its prompt's tokens, the
        # grammar, what it generated and why it ended), so that a bare llama.cpp loop can redo the same work.
        self.requests: list[RequestRecord] | None = None

    # ---- worker side -------------------------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                break
            self._current = job
            try:
                job.fn(job)
            finally:
                self._current = None
                self._set_phase("idle")
                with self._active_lock:
                    self._active.discard(job)
        self._wait_for_orphan(None)
        if self._llm is not None:
            with contextlib.suppress(Exception):
                self._llm.close()
            self._llm = None

    def _set_phase(self, phase: str) -> None:
        if phase == self.phase:
            return
        self.phase = phase
        hook = self.on_phase
        if hook is not None:
            hook(phase)

    def _should_abort(self, _data: Any) -> bool:
        job = self._current
        return job is not None and job.cancel.is_set()

    def _load_now(self, job: _Job) -> ModelInfo:
        import llama_cpp
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        path = Path(self.model_path)
        self._set_phase("loading")
        check_model_file(path)
        # the context from the trained one and free memory; a model that can't fit is refused here, with the
        # reason, before llama.cpp maps gigabytes and the machine starts swapping
        fitted = fit.plan(path, self._want_ctx)
        n_ctx, n_ctx_train = fitted.n_ctx, fitted.n_ctx_train
        # Stop during the load. llama.cpp calls the progress callback before each tensor and gives up when it
        # returns False; but it cannot be interrupted while it reads the vocabulary (before the first tensor:
        # ~250 ms for a 152k-token vocabulary here) nor while it sets up the context (after the last one). So
        # the load runs on a thread of its own, which this worker leaves at once on Stop (_construct).
        if job.cancel.is_set():
            raise GenerationCancelled()

        def make(go_on: Callable[[], bool]) -> Any:
            said_stop: list[bool] = []

            def progress(_progress: float, _data: Any) -> bool:
                ok = go_on()
                if not ok:
                    said_stop.append(True)
                return ok

            callback = llama_cpp.llama_progress_callback(progress)  # referenced while it loads
            try:
                return _abortable_llama()(
                    progress_callback=callback,
                    model_path=str(path),
                    n_ctx=n_ctx,
                    n_gpu_layers=self.n_gpu_layers,
                    n_batch=self.n_batch,
                    n_threads=self.n_threads,
                    n_threads_batch=self.n_threads,
                    flash_attn=FLASH_ATTN,
                    seed=self.seed,
                    verbose=False,
                )
            except (ValueError, RuntimeError, OSError) as e:
                if said_stop:  # our progress callback said stop: llama.cpp cancelled the load
                    raise GenerationCancelled() from e
                raise EngineError(
                    f"“{path.name}” could not be loaded by llama.cpp: it is damaged, incomplete, or a kind of "
                    "model this version does not support."
                ) from e

        llm = self._construct(job, make)
        # A Stop that comes after the last tensor was read (while llama.cpp sets up the context) is too late to
        # abort anything: the model is loaded, and kept.
        # An aborted decode (our Stop) makes llama.cpp log an "error"; errors reach the user as EngineError.
        logging.getLogger("llama-cpp-python").setLevel(logging.CRITICAL)
        self._abort_cb = llama_cpp.ggml_abort_callback(
            self._should_abort
        )  # keep a reference: C holds a pointer
        llama_cpp.llama_set_abort_callback(llm._ctx.ctx, self._abort_cb, None)
        template = llm.metadata.get("tokenizer.chat_template")
        eos = llm.detokenize([llm.token_eos()], special=True).decode("utf-8", "replace")
        bos_id = llm.token_bos()
        bos = llm.detokenize([bos_id], special=True).decode("utf-8", "replace") if bos_id >= 0 else ""
        self._formatter = Jinja2ChatFormatter(template or CHATML, eos_token=eos, bos_token=bos)
        self._llm = llm
        info = ModelInfo(
            path=str(path),
            name=llm.metadata.get("general.name") or path.stem,
            n_ctx=llm.n_ctx(),
            n_ctx_train=n_ctx_train or llm.n_ctx(),
            n_vocab=llm.n_vocab(),
            n_threads=self.n_threads,
            chat_template=bool(template),
        )
        self.info = info
        return info

    def _construct(self, job: _Job, make: Callable[[Callable[[], bool]], Any]) -> Any:
        """`make(go_on)` on a short-lived thread ("recap-llama-load"), waited for here; on Stop this worker
        leaves it at once and raises GenerationCancelled. The thread then finishes (llama.cpp's uninterruptible
        steps) and frees what it made; the next load waits for it first, so two loads never overlap. The model
        is handed to this worker only when the wait ends normally: one thread at a time holds a `Llama`."""
        self._wait_for_orphan(job)
        lock = threading.Lock()
        done = threading.Event()
        box: dict[str, Any] = {}

        def go_on() -> bool:
            return self._load_go_on(job)

        def body() -> None:
            try:
                made, error = make(go_on), None
            except BaseException as e:  # noqa: BLE001 - handed to the worker, which raises it
                made, error = None, e
            with lock:
                if box.get("orphan"):  # the worker left: nobody will use it
                    if made is not None:
                        with contextlib.suppress(Exception):
                            made.close()
                    return
                box["made"], box["error"] = made, error
                done.set()

        thread = threading.Thread(target=body, name="recap-llama-load", daemon=True)
        thread.start()
        while not done.wait(0.005):
            if job.cancel.is_set():
                with lock:
                    if not done.is_set():
                        box["orphan"] = True
                        self._orphan = thread
                        raise GenerationCancelled()
        thread.join()
        if box["error"] is not None:
            raise box["error"]
        return box["made"]

    def _load_go_on(self, job: _Job) -> bool:
        """llama.cpp's progress callback during a load, before each tensor: False aborts the load. It must not
        raise (ctypes would print the error and go on)."""
        return not job.cancel.is_set()

    def _wait_for_orphan(self, job: _Job | None) -> None:
        """Wait until a load that Stop left behind has ended (a stopped job does not wait)."""
        orphan = self._orphan
        while orphan is not None and orphan.is_alive():
            if job is not None and job.cancel.is_set():
                raise GenerationCancelled()
            orphan.join(0.005)
        self._orphan = None

    def _ensure_loaded(self) -> None:
        if self._llm is None:
            job = self._current
            self._load_now(job if job is not None else _Job(lambda _job: None))

    def _render(self, messages: Sequence[Message]) -> list[int]:
        self._ensure_loaded()
        result = self._formatter(messages=list(messages))
        return list(
            self._llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)
        )

    def _is_eog(self, token: int) -> bool:
        import llama_cpp

        return bool(llama_cpp.llama_vocab_is_eog(self._llm._model.vocab, token))

    def _generate(
        self,
        job: _Job,
        messages: Sequence[Message],
        max_tokens: int,
        grammar: str | None,
        emit: Callable[[str], None],
    ) -> None:
        from llama_cpp import LlamaGrammar

        from .lazy_grammar import LazyGrammar  # (numpy and llama_cpp load on first use, not at start)

        self._ensure_loaded()
        llm = self._llm
        stats = RequestStats()
        self.last_stats = stats
        prompt = self._render(messages)
        stats.prompt_tokens = len(prompt)
        if len(prompt) + max_tokens > llm.n_ctx():
            raise PromptTooLong(len(prompt), max_tokens, llm.n_ctx())
        reused = _common_prefix(llm.input_ids[: llm.n_tokens], prompt)
        stats.prompt_evaluated = len(prompt) - min(reused, len(prompt) - 1)
        g = LlamaGrammar.from_string(grammar, verbose=False) if grammar else None
        # the grammar checks only the token drawn, and the whole vocabulary only when it rejects that one
        llm.lazy_grammar = LazyGrammar(llm, g) if g is not None else None
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        s = self.sampling
        t0 = time.perf_counter()
        self._set_phase("prompt")
        gen = llm.generate(prompt, **s.generate_kwargs())
        try:
            for token in gen:
                now = time.perf_counter()
                if stats.first_token_at is None:
                    stats.first_token_at = now
                    stats.prompt_s = now - t0
                    self._set_phase("generating")
                if job.cancel.is_set():
                    raise GenerationCancelled()
                if self._is_eog(token):
                    break
                stats.generated_tokens += 1
                piece = decoder.decode(llm.detokenize([token]))
                if piece:
                    if self.trace is not None:
                        self.trace.append((time.perf_counter(), len(piece)))
                    emit(piece)
                if stats.generated_tokens >= max_tokens:
                    stats.hit_cap = True
                    break
        except RuntimeError as e:
            if job.cancel.is_set():  # llama_decode returned 2: our abort callback stopped it
                raise GenerationCancelled() from e
            raise EngineError(f"llama.cpp failed while generating: {e}") from e
        finally:
            gen.close()
            _free_sampler(llm)
            if stats.first_token_at is not None:
                stats.generate_s = time.perf_counter() - stats.first_token_at
            if (
                self.requests is not None
            ):  # also when the caller left early (a loop stopped, a sentence ended)
                self.requests.append(
                    RequestRecord(prompt, grammar, stats.generated_tokens, stats.hit_cap, stats)
                )
        tail = decoder.decode(b"", final=True)
        if tail:
            emit(tail)

    # ---- loop side ---------------------------------------------------------------------------------------------

    def _submit(self, work: Callable[[_Job], Any]) -> tuple[_Job, asyncio.Future[Any]]:
        if self._closed:
            raise EngineError("The model engine has been shut down.")
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def fn(job: _Job) -> None:
            def body() -> Any:
                try:
                    return work(job)
                finally:
                    self._set_phase("idle")  # before the awaiting coroutine resumes: it finds the engine idle

            # the worker's result or exception is delivered to the awaiting coroutine, never lost on that thread
            call_and_settle(fut, body)

        job = _Job(fn)
        with self._active_lock:
            self._active.add(job)
        self._jobs.put(job)
        return job, fut

    async def _call(self, work: Callable[[], Any]) -> Any:
        job, fut = self._submit(lambda _job: work())
        try:
            return await fut
        except asyncio.CancelledError:
            job.cancel.set()
            raise

    async def load(self) -> ModelInfo:
        """Load the model on the worker thread. Idempotent, also when called concurrently: one load runs, and
        a caller that stops waiting does not abort it for the others. stop() does abort it (before llama.cpp
        starts, or between two tensors): every caller waiting for it gets GenerationCancelled, the engine stays
        unloaded, and the next load() starts a new load. A load that failed is tried again by the next load()."""
        if self.info is not None:
            return self.info
        loading, job = self._loading, self._loading_job
        if (
            loading is None
            or (loading.done() and (loading.cancelled() or loading.exception() is not None))
            or (job is not None and job.cancel.is_set())  # stopped: it will end in GenerationCancelled
        ):

            def work(_job: _Job) -> ModelInfo:
                # nothing to do if the stopped load before this one was too far along to abort, and loaded
                return self.info or self._load_now(_job)

            self._loading_job, loading = self._submit(work)
            self._loading = loading
            # its failure is read here too, so that one nobody waits for any more is not reported as lost
            loading.add_done_callback(lambda f: f.cancelled() or f.exception())
        return await asyncio.shield(loading)

    @property
    def loaded(self) -> bool:
        return self.info is not None

    @property
    def n_ctx(self) -> int:
        if self.info is None:
            raise EngineError("The model is not loaded yet.")
        return self.info.n_ctx

    @property
    def slots(self) -> int:
        """One request at a time: one Llama object, one worker thread (several would share the cores anyway)."""
        return 1

    async def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts of plain texts (no special tokens), with the model's own tokenizer."""
        texts = list(texts)

        def work() -> list[int]:
            self._ensure_loaded()
            tok = self._llm.tokenize
            return [len(tok(t.encode("utf-8"), add_bos=False, special=False)) for t in texts]

        return await self._call(work)  # type: ignore[no-any-return]

    async def count_prompt(self, messages: Sequence[Message]) -> int:
        """Length in tokens of the full chat prompt for these messages, as it would be sent."""
        msgs = list(messages)
        return await self._call(lambda: len(self._render(msgs)))  # type: ignore[no-any-return]

    async def stream(
        self, messages: Sequence[Message], *, max_tokens: int, grammar: str | None = None
    ) -> AsyncGenerator[str, None]:
        """Text pieces as the model writes them. Raises GenerationCancelled after stop(), PromptTooLong
        before anything is evaluated when the prompt and max_tokens do not fit the context."""
        pieces: Channel[str] = Channel()
        msgs = list(messages)

        def work(job: _Job) -> None:
            try:
                self._generate(job, msgs, max_tokens, grammar, pieces.put)
            finally:
                pieces.end()  # an exception goes to `fut`, which is settled after this end arrives

        job, fut = self._submit(work)
        try:
            async for piece in pieces:
                yield piece
            await fut  # re-raises the worker's exception, if any
        finally:
            job.cancel.set()  # the consumer left early (or finished): stop the worker for this job
            # nobody awaits it now: its outcome is fetched when it comes (at once if it already has), so that
            # asyncio does not report a GenerationCancelled "never retrieved" when the future is collected
            fut.add_done_callback(lambda f: f.cancelled() or f.exception())

    def stop(self) -> None:
        """Abort every queued and running job. Thread-safe; returns at once."""
        with self._active_lock:
            for job in self._active:
                job.cancel.set()

    async def close(self) -> None:
        """Stop the worker thread and free the model. Call before the event loop closes."""
        if self._closed:
            return
        self.stop()
        self._closed = True
        self._jobs.put(None)
        await asyncio.get_running_loop().run_in_executor(None, self._thread.join, 10.0)

    def close_sync(self, timeout: float = 10.0) -> None:
        """close() for places without a running loop (atexit, tests)."""
        if self._closed:
            return
        self.stop()
        self._closed = True
        self._jobs.put(None)
        self._thread.join(timeout)


@functools.cache
def _abortable_llama() -> Any:
    """`llama_cpp.Llama` that hands llama.cpp a progress callback for the model load, so that Stop can abort it.

    llama-cpp-python 0.3.36 has no parameter for it (upstream PR abetlen/llama-cpp-python#2340 proposes one;
    extra keyword arguments are ignored). Its `Llama.__init__` builds the parameters in a fresh struct,
    `self.model_params = llama_cpp.llama_model_default_params()`, sets fields on it, and loads with
    `internals.LlamaModel(path_model=..., params=self.model_params)`. The seam: `model_params` is a property
    here, whose setter puts our callback into that struct as it is assigned; nothing in `Llama` sets the
    callback fields, so it is still there when the struct is passed to `llama_model_load_from_file`. When the
    callback returns False, llama.cpp cancels the load ("cancelled model load") and `LlamaModel` raises
    ValueError. Per instance, no global patching. Built on first use: llama_cpp is imported lazily."""
    import llama_cpp

    class AbortableLlama(llama_cpp.Llama):  # type: ignore[misc]
        def __init__(self, *args: Any, progress_callback: Any, **kwargs: Any) -> None:
            self._progress_callback = progress_callback  # before Llama.__init__ assigns model_params
            super().__init__(*args, **kwargs)

        @property
        def model_params(self) -> Any:
            return self._model_params

        @model_params.setter
        def model_params(self, params: Any) -> None:
            params.progress_callback = self._progress_callback  # the struct keeps a reference to it too
            self._model_params = params

        lazy_grammar: LazyGrammar | None = None  # the current request's grammar (app/engine/lazy_grammar.py)

        def sample(self, **kwargs: Any) -> int:  # type: ignore[override]
            """`Llama.sample` (which `generate` calls with keywords only), with the request's grammar checked
            lazily, as llama.cpp's own tools do."""
            lazy, idx = self.lazy_grammar, kwargs.get("idx")
            if lazy is None or self._sampler is None:
                return int(super().sample(**kwargs))
            return lazy.sample(
                self._sampler.sampler, self._ctx.ctx, idx - self.n_tokens if idx is not None else -1
            )

    return AbortableLlama


def _free_sampler(llm: Any) -> None:
    """Free the sampler chain (and its grammar) that `Llama.generate` made for this request, now.

    llama-cpp-python makes a new `LlamaSampler` for every `generate` and drops the last one. A dropped sampler is a
    reference cycle (its ExitStack's callback holds it), so its native chain waited for Python's full collection,
    holding ~12.7 bytes per vocabulary entry once used (0.63 MB with SmolLM2's 49k, 1.86 MB with Qwen2.5's 152k):
    11 were alive at the end of a seed-003 run with SmolLM2, whose peak was 4.5 MB higher (60.7 against 56.2 MB
    over the loaded model). The next `generate` makes its own.
    """
    sampler = llm._sampler
    llm._sampler = None
    if sampler is not None:
        sampler.close()
    lazy = getattr(llm, "lazy_grammar", None)
    if lazy is not None:
        llm.lazy_grammar = None
        lazy.close()


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def check_model_file(path: Path) -> None:
    """Fail with a sentence before llama.cpp sees a file that is missing or plainly not a GGUF."""
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except FileNotFoundError as e:
        raise EngineError(f"The model file “{path}” does not exist.") from e
    except IsADirectoryError as e:
        raise EngineError(f"“{path}” is a folder, not a model file.") from e
    except OSError as e:
        raise EngineError(f"The model file “{path.name}” could not be read: {e.strerror or e}.") from e
    if magic != b"GGUF":
        raise EngineError(f"“{path.name}” is not a GGUF model file.")
