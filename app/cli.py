"""Command line: `recap` opens the window; `recap inspect` and `recap summarize` run headless.

    recap [--model PATH] [FILE ...]            the window, with these files queued (handed to the
                                              running window if there is one)
    recap --install-desktop | --uninstall-desktop
                                              the launcher entry, icons and "Open with" for this user
    recap inspect FILE [--json] [--fps N]      what the reader made of a file
    recap models [--json] [--add-folder DIR]  GGUF models already on this computer, usable or why not
    recap summarize FILE --model PATH [--format FORMAT]
                                              summary and chapters to stdout, progress to stderr
    recap summarize DIR_OR_FILES... --out DIR [--format FORMAT] [--force]
                                              a batch: one model load, one output file per transcript,
                                              files already done (in the store) skipped
    recap ask FILE "QUESTION" [--model PATH]   an answer from the parts of the transcript that bear on it,
                                              citing [hh:mm:ss] moments; to stdout as it is written

The headless commands never import Qt.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, malloc

if TYPE_CHECKING:
    from .summarize import Options

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
SUBCOMMANDS = ("inspect", "summarize", "ask", "presets", "models")


def _die(msg: str, code: int = EXIT_FAILED) -> int:
    print(f"recap: {msg}", file=sys.stderr)
    return code


def cmd_inspect(argv: list[str]) -> int:
    from .transcript import TranscriptError, read_file
    from .transcript.timefmt import display_time

    ap = argparse.ArgumentParser(
        prog="recap inspect", description="Show what Recap reads from a transcript file."
    )
    ap.add_argument("file", type=Path)
    ap.add_argument("--json", action="store_true", help="print the parsed transcript as JSON")
    ap.add_argument(
        "--fps", type=float, default=30.0, help="frame rate of HH:MM:SS:FF timecodes (default 30)"
    )
    a = ap.parse_args(argv)
    try:
        t = read_file(a.file, fps=a.fps)
    except TranscriptError as e:
        return _die(str(e), EXIT_USAGE)
    if a.json:
        json.dump(t.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return EXIT_OK
    est = t.timing == "estimated"
    print(
        f"{t.display_title}  ({t.format}, {t.encoding}, {len(t.segments)} segments, "
        f"{display_time(t.duration_s, est)}{', times estimated' if est else ''})"
    )
    if t.speakers:
        print("Speakers: " + ", ".join(t.speakers))
    for n in t.notes:
        print(f"note: {n}")
    for w in t.warnings:
        print(f"warning: {w}")
    for s in t.segments:
        who = f"{s.speaker}: " if s.speaker else ""
        print(f"[{display_time(s.start_s, est)}] {who}{s.text}")
    return EXIT_OK


def resolve_model(explicit: str | None) -> str | None:
    if explicit:
        return explicit
    if os.environ.get("RECAP_MODEL"):
        return os.environ["RECAP_MODEL"]
    from .config import Config

    return Config().model_path


class _Progress:
    """One status line on stderr: redrawn in place on a terminal, one line per stage otherwise."""

    def __init__(self, lines: bool = False) -> None:
        self.tty = sys.stderr.isatty() and not lines  # lines: one per stage, even on a terminal
        self.last_stage = ""
        self.prefix = ""  # "[3/20] episode.srt: " in a batch

    def show(self, stage: str, fraction: float, eta: float | None) -> None:
        from .transcript.timefmt import hms

        eta_text = f" · about {hms(eta)} left" if eta else ""
        if self.tty:
            bar = "#" * int(fraction * 20)
            print(
                f"\r\x1b[K{self.prefix}[{bar:20}] {fraction * 100:3.0f}% {stage}{eta_text}",
                end="",
                file=sys.stderr,
                flush=True,
            )
        elif stage != self.last_stage:
            print(f"{self.prefix}[{fraction * 100:3.0f}%] {stage}", file=sys.stderr, flush=True)
        self.last_stage = stage

    def done(self) -> None:
        if self.tty:
            print("\r\x1b[K", end="", file=sys.stderr, flush=True)


async def _summarize_one(summarizer, t, progress: _Progress, stream: bool) -> tuple[int, object]:  # noqa: ANN001
    """Run one transcript. Markdown to a terminal streams as it is written; every other case renders the
    finished result. Returns (exit code, result or None)."""
    from .summarize import Cancelled, ChapterFound, Failed, Finished, Notice, Progress, SummaryDelta
    from .transcript.timefmt import display_time

    est = t.timing == "estimated"
    out = sys.stdout
    code, result = EXIT_OK, None
    in_summary = False
    if stream:
        out.write(f"# {t.display_title}\n\n## Chapters\n\n")
        out.flush()
    async with contextlib.aclosing(summarizer.run(t)) as events:
        async for ev in events:
            if isinstance(ev, Progress):
                progress.show(ev.stage, ev.fraction, ev.eta_s)
            elif isinstance(ev, ChapterFound) and stream:
                out.write(f"- {display_time(ev.chapter.start_s, est)} {ev.chapter.title}\n")
                out.flush()
            elif isinstance(ev, SummaryDelta) and stream:
                if not in_summary:
                    out.write("\n## Summary\n\n")
                    in_summary = True
                out.write(ev.text)
                out.flush()
            elif isinstance(ev, Notice):
                progress.done()
                print(f"recap: note: {ev.message}", file=sys.stderr)
            elif isinstance(ev, Finished):
                progress.done()
                result = ev.result
                if stream:
                    out.write("\n")
                    out.flush()
            elif isinstance(ev, Failed):
                progress.done()
                code = _die(ev.message)
            elif isinstance(ev, Cancelled):
                progress.done()
                code = _die("stopped.", EXIT_INTERRUPTED)
    return code, result


def output_path(out_dir: Path, source: str, fmt: str, taken: set[Path]) -> Path:
    """OUT/<name of the transcript><the format's extension>; a second transcript with the same name gets -2."""
    from .export import FORMATS

    ext = FORMATS[fmt].extension
    stem = Path(source).stem
    path = out_dir / f"{stem}{ext}"
    n = 2
    while path in taken:
        path = out_dir / f"{stem}-{n}{ext}"
        n += 1
    taken.add(path)
    return path


async def _batch(
    files: list[str],
    model_path: str,  # a GGUF file, or "server:" + the address of an OpenAI-compatible server
    fmt: str,
    out_dir: Path | None,
    n_ctx: int | None,
    threads: int | None,
    force: bool,
    options: Options,
    fps: float,
) -> int:
    from .config import Config, write_atomically
    from .engine import EngineError
    from .engine.factory import make_engine
    from .export import ExportError, render
    from .summarize import Summarizer
    from .summarize.store import Store
    from .transcript import TranscriptError, read_file

    # the window's Settings are the defaults here too; --ctx and --threads win; one load serves the whole batch
    try:
        engine = make_engine(Config(), model_path, n_ctx=n_ctx, threads=threads)
    except EngineError as e:
        return _die(str(e), EXIT_USAGE)
    store = Store()
    current: list[Summarizer] = []
    loop = asyncio.get_running_loop()

    def stop_current() -> None:
        for summarizer in current:
            summarizer.stop()

    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, stop_current)
    failed: list[str] = []
    counts = {"done": 0, "skipped": 0}
    taken: set[Path] = set()
    n = len(files)
    at_once = await _files_at_once(engine, n, out_dir)

    async def one(i: int, f: str, progress: _Progress) -> int:
        """File i of the batch, start to end: read, summarized, written; EXIT_INTERRUPTED when stopped."""
        name = Path(f).name
        progress.prefix = f"[{i}/{n}] {name}: " if n > 1 else ""
        try:
            t = read_file(f, fps=fps)
        except TranscriptError as e:
            failed.append(f"{name}: {e}")
            _die(str(e))
            return EXIT_FAILED
        target = output_path(out_dir, f, fmt, taken) if out_dir else None
        summarizer = Summarizer(engine, options, store=None if force else store)
        current.append(summarizer)
        stream = target is None and fmt == "markdown"
        try:
            code, result = await _summarize_one(summarizer, t, progress, stream)
        finally:
            current.remove(summarizer)
        if code == EXIT_INTERRUPTED:
            return code
        if code != EXIT_OK or result is None:
            failed.append(f"{name}: not summarized")
            return EXIT_FAILED
        if not force and summarizer.from_store and target is not None and target.exists():
            counts["skipped"] += 1
            print(f"recap: {progress.prefix}already done ({target.name}); --force to redo", file=sys.stderr)
            return EXIT_OK
        try:
            text = "" if stream else render(result, fmt)  # type: ignore[arg-type]
        except ExportError as e:
            failed.append(f"{name}: {e}")
            _die(f"{name}: {e}")
            return EXIT_FAILED
        if target is not None:
            write_atomically(target, text)
            print(f"recap: {progress.prefix}wrote {target}", file=sys.stderr)
        elif not stream:
            sys.stdout.write(text)
            sys.stdout.flush()
        counts["done"] += 1
        return EXIT_OK

    try:
        if at_once <= 1:
            progress = _Progress()
            for i, f in enumerate(files, 1):
                if await one(i, f, progress) == EXIT_INTERRUPTED:
                    return EXIT_INTERRUPTED
        else:
            # A model server with several slots: that many files at once, so that the slots a file leaves idle
            # (its last windows, its summary) serve the next files. The engine sends no more than its slots at
            # a time; each file's progress is a line per stage (several bars cannot share one terminal line).
            gate = asyncio.Semaphore(at_once)

            async def in_turn(i: int, f: str) -> int:
                async with gate:
                    return await one(i, f, _Progress(lines=True))

            codes = await asyncio.gather(*(in_turn(i, f) for i, f in enumerate(files, 1)))
            if EXIT_INTERRUPTED in codes:
                return EXIT_INTERRUPTED
    finally:
        await engine.close()
        store.close()
    if n > 1:
        print(
            f"recap: {counts['done']} written, {counts['skipped']} already done, {len(failed)} failed",
            file=sys.stderr,
        )
        for line in failed:
            print(f"recap: failed: {line}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


async def _files_at_once(engine: object, n: int, out_dir: Path | None) -> int:
    """How many files of a batch to summarize at once: one, but for a batch written to a folder on a model server
    with several slots (known once the server has said what it serves), as many as it has slots."""
    from .engine import EngineError

    if n < 2 or out_dir is None or not hasattr(engine, "slots"):
        return 1
    try:
        await engine.load()  # type: ignore[attr-defined]
    except EngineError:
        return 1  # each file says why, as in a batch in turn
    return min(n, int(engine.slots))


def _options(a: argparse.Namespace) -> Options:
    from .summarize import Options

    kw: dict[str, object] = {"preset": a.preset, "language": a.language}
    if a.window_tokens:
        kw["window_tokens"] = a.window_tokens
    return Options(**kw)  # type: ignore[arg-type]


def cmd_ask(argv: list[str]) -> int:
    from .config import Config
    from .engine import EngineError
    from .engine.factory import make_engine
    from .summarize import Answered, Cancelled, Failed, Options, Summarizer, SummaryDelta
    from .transcript import TranscriptError, read_file

    ap = argparse.ArgumentParser(
        prog="recap ask",
        description="Ask a transcript a question: the answer cites the [hh:mm:ss] moments it comes from.",
    )
    ap.add_argument("file", type=Path)
    ap.add_argument("question")
    ap.add_argument(
        "--model", help="GGUF model file (default: $RECAP_MODEL, then the one chosen in the window)"
    )
    ap.add_argument("--server", metavar="URL", help="a model on an OpenAI-compatible server you run")
    ap.add_argument("--language", help="language to answer in (default: the transcript's own)")
    ap.add_argument("--fps", type=float, default=30.0, help="frame rate of HH:MM:SS:FF timecodes")
    a = ap.parse_args(argv)
    if not a.question.strip():
        return _die("the question is empty.", EXIT_USAGE)
    try:
        t = read_file(a.file, fps=a.fps)
    except TranscriptError as e:
        return _die(str(e), EXIT_USAGE)
    spec = f"server:{a.server}" if a.server else resolve_model(a.model)
    if not spec:
        return _die("no model: pass --model PATH to a .gguf file (see models/README.md).", EXIT_USAGE)
    try:
        engine = make_engine(Config(), spec)
    except EngineError as e:
        return _die(str(e), EXIT_USAGE)

    async def run() -> int:
        summarizer = Summarizer(engine, Options(language=a.language))
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGINT, summarizer.stop)
        code = EXIT_OK
        try:
            async with contextlib.aclosing(summarizer.ask(t, a.question)) as events:
                async for ev in events:
                    if isinstance(ev, SummaryDelta):
                        sys.stdout.write(ev.text)
                        sys.stdout.flush()
                    elif isinstance(ev, Answered):
                        print()
                        if ev.passages:
                            read = ", ".join(f"{hms(s)}-{hms(e)}" for s, e in ev.passages)
                            print(f"recap: read {read}", file=sys.stderr)
                    elif isinstance(ev, Cancelled):
                        code = _die("stopped.", EXIT_INTERRUPTED)
                    elif isinstance(ev, Failed):
                        code = _die(ev.message)
        finally:
            await engine.close()
        return code

    from .transcript.timefmt import hms

    return asyncio.run(run())


def cmd_presets(argv: list[str]) -> int:
    from .summarize.presets import load_presets, user_presets_dir

    ap = argparse.ArgumentParser(prog="recap presets", description="List the presets (what Recap writes).")
    ap.parse_args(argv)
    for p in load_presets().values():
        print(f"{p.id:12} {p.name}: {p.description}")
    print(f"\nYour own presets (TOML files, same fields) go in {user_presets_dir()}", file=sys.stderr)
    return EXIT_OK


def cmd_models(argv: list[str]) -> int:
    from .config import Config
    from .engine.discovery import default_roots, discover

    ap = argparse.ArgumentParser(
        prog="recap models",
        description="GGUF models already on this computer (Recap, LM Studio, GPT4All, Jan, Hugging Face, Ollama).",
    )
    ap.add_argument("--json", action="store_true", help="one JSON list, usable and unusable files alike")
    ap.add_argument("--add-folder", type=Path, help="also search this folder, now and from now on")
    a = ap.parse_args(argv)
    config = Config()
    folders = [f for f in config.get("model_folders", []) if isinstance(f, str)]
    if a.add_folder:
        folder = str(a.add_folder.expanduser().resolve())
        if not Path(folder).is_dir():
            return _die(f"{a.add_folder} is not a folder.", EXIT_USAGE)
        if folder not in folders:
            folders.append(folder)
            config.set("model_folders", folders)
    found = discover(default_roots(extra=folders))
    if a.json:
        json.dump([m.to_dict() for m in found], sys.stdout, indent=2)
        print()
        return EXIT_OK
    usable = [m for m in found if m.usable]
    if not usable:
        print("No usable model found. Choose a .gguf file in the window, or see models/README.md.")
    for m in usable:
        params = (
            f"{m.parameters / 1e9:.1f}B" if m.parameters and m.parameters >= 1e8 else f"{m.parameters or 0:,}"
        )
        print(
            f"{m.name}  ({m.architecture}, {params} parameters, {m.quantization}, "
            f"{m.context_length or '?'} tokens context, {m.size_bytes / 2**30:.2f} GB, {m.source})\n    {m.path}"
        )
    for m in found:
        if not m.usable:
            print(f"not a summarizer: {m.path}: {m.reason}")
    return EXIT_OK


def cmd_summarize(argv: list[str]) -> int:
    from .engine.fit import DEFAULT_CTX
    from .export import FORMATS
    from .transcript.files import expand_paths

    ap = argparse.ArgumentParser(
        prog="recap summarize",
        description="Summarize and chapter transcripts: one to stdout, or a batch into a folder.",
        epilog="Formats: " + "; ".join(f"{f.id} = {f.label}" for f in FORMATS.values()),
    )
    ap.add_argument(
        "paths", nargs="+", type=Path, metavar="FILE_OR_DIR", help="transcripts, or folders of them"
    )
    ap.add_argument(
        "--model", help="GGUF model file (default: $RECAP_MODEL, then the one chosen in the window)"
    )
    ap.add_argument(
        "--server",
        metavar="URL",
        help="use a model on an OpenAI-compatible server you run (llama-server, Ollama, vLLM, LM Studio), "
        "e.g. http://127.0.0.1:8080, instead of a local GGUF file",
    )
    ap.add_argument("--format", choices=list(FORMATS), default="markdown")
    ap.add_argument("--out", type=Path, help="folder for one output file per transcript (needed for several)")
    ap.add_argument(
        "--ctx",
        type=int,
        help=f"context size in tokens (default: min({DEFAULT_CTX}, the model's, what memory allows))",
    )
    ap.add_argument("--threads", type=int, help="CPU threads (default: physical cores)")
    ap.add_argument("--fps", type=float, default=30.0, help="frame rate of HH:MM:SS:FF timecodes")
    ap.add_argument("--window-tokens", type=int, help="transcript tokens per window (default 3000)")
    ap.add_argument(
        "--preset",
        default="podcast",
        help="podcast, meeting, lecture, interview, custom, general, "
        "or the id of a preset in the settings folder's presets/ (see `recap presets`)",
    )
    ap.add_argument("--language", help="language to write in, e.g. German (default: the transcript's own)")
    ap.add_argument(
        "--force",
        "--fresh",
        action="store_true",
        help="ignore stored results and unfinished runs; compute everything again",
    )
    a = ap.parse_args(argv)
    files, skipped = expand_paths(a.paths)
    for s in skipped:
        print(f"recap: skipped (not a transcript file): {s}", file=sys.stderr)
    if not files:
        return _die("no transcript files to summarize.", EXIT_USAGE)
    if len(files) > 1 and a.out is None:
        return _die(f"{len(files)} transcripts: pass --out DIR for their output files.", EXIT_USAGE)
    if a.out is not None and a.out.exists() and not a.out.is_dir():
        return _die(f"--out {a.out} is a file, not a folder.", EXIT_USAGE)
    if len(files) == 1:  # one file: a reading error is a usage error, as before
        from .transcript import TranscriptError, read_file

        try:
            read_file(files[0], fps=a.fps)
        except TranscriptError as e:
            return _die(str(e), EXIT_USAGE)
    from .engine import EngineError
    from .engine.llama_engine import check_model_file

    if a.server:
        model = f"server:{a.server}"
    else:
        model = resolve_model(a.model) or ""
        if not model:
            return _die("no model: pass --model PATH to a .gguf file (see models/README.md).", EXIT_USAGE)
        try:
            check_model_file(Path(model))
        except EngineError as e:
            return _die(str(e), EXIT_USAGE)
    try:
        return asyncio.run(
            _batch(files, model, a.format, a.out, a.ctx, a.threads, a.force, _options(a), a.fps)
        )
    except KeyboardInterrupt:
        return _die("stopped.", EXIT_INTERRUPTED)


def gui(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="recap",
        description="Recap: offline transcript summaries and chapters.",
        epilog='Subcommands: recap inspect FILE, recap summarize FILE, recap ask FILE "QUESTION" (see --help of each).',
    )
    ap.add_argument("files", nargs="*", type=Path, help="transcript files to open")
    ap.add_argument("--model", help="GGUF model file to use (remembered)")
    ap.add_argument(
        "--exit-when-done",
        action="store_true",
        help="quit when the queued files are finished; exit status 0 only if every file was summarized",
    )
    ap.add_argument("--version", action="version", version=f"recap {__version__}")
    ap.add_argument(
        "--install-desktop",
        action="store_true",
        help="add Recap to this user's application launcher and 'Open with' (freedesktop folders)",
    )
    ap.add_argument("--uninstall-desktop", action="store_true", help="remove what --install-desktop added")
    a = ap.parse_args(argv)
    if a.install_desktop or a.uninstall_desktop:
        from . import desktop

        try:
            paths = desktop.install() if a.install_desktop else desktop.uninstall()
        except OSError as e:
            return _die(f"could not {'install' if a.install_desktop else 'remove'} the desktop entry: {e}")
        verb = "installed" if a.install_desktop else "removed"
        print(f"recap: {verb} {len(paths)} files under {desktop.data_home()}")
        return EXIT_OK
    from .ui.run import run_gui

    return run_gui([str(f) for f in a.files], a.model, exit_when_done=a.exit_when_done)


def main(argv: list[str] | None = None) -> int:
    malloc.tune()  # before reading anything: see app/malloc.py
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS and not Path(argv[0]).is_file():  # (./models opens a folder named so)
        try:
            commands = {
                "inspect": cmd_inspect,
                "summarize": cmd_summarize,
                "ask": cmd_ask,
                "presets": cmd_presets,
                "models": cmd_models,
            }
            return commands[argv[0]](argv[1:])
        except BrokenPipeError:  # `recap inspect FILE | head`: the reader left, which is fine
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
    return gui(argv)


def gui_main() -> None:
    malloc.tune()
    sys.exit(gui(sys.argv[1:]))


if __name__ == "__main__":
    sys.exit(main())
