"""Command line: `recap` opens the window; `recap inspect` and `recap summarize` run headless.

    recap [--model PATH] [FILE ...]            the window, with these files queued
    recap inspect FILE [--json] [--fps N]      what the reader made of a file
    recap summarize FILE --model PATH [--format markdown|json]
                                              summary and chapters to stdout, progress to stderr

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

from . import __version__

if TYPE_CHECKING:
    from .summarize import Options

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
SUBCOMMANDS = ("inspect", "summarize", "presets")


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

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last_stage = ""

    def show(self, stage: str, fraction: float, eta: float | None) -> None:
        from .transcript.timefmt import hms

        eta_text = f" · about {hms(eta)} left" if eta else ""
        if self.tty:
            print(f"\r\x1b[K[{fraction * 100:3.0f}%] {stage}{eta_text}", end="", file=sys.stderr, flush=True)
        elif stage != self.last_stage:
            print(f"[{fraction * 100:3.0f}%] {stage}", file=sys.stderr, flush=True)
        self.last_stage = stage

    def done(self) -> None:
        if self.tty:
            print("\r\x1b[K", end="", file=sys.stderr, flush=True)


async def _summarize(  # noqa: ANN001
    t,
    model_path: str,
    fmt: str,
    n_ctx: int | None,
    threads: int | None,
    fresh: bool,
    options: Options,
) -> int:
    from .engine import LlamaEngine
    from .summarize import (
        Cancelled,
        ChapterFound,
        Failed,
        Finished,
        Notice,
        Progress,
        Summarizer,
        SummaryDelta,
    )
    from .summarize.store import Store
    from .transcript.timefmt import display_time

    engine = LlamaEngine(model_path, n_ctx=n_ctx, n_threads=threads)
    summarizer = Summarizer(engine, options, store=None if fresh else Store())
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, summarizer.stop)
    progress = _Progress()
    est = t.timing == "estimated"
    out = sys.stdout
    code = EXIT_OK
    in_summary = False
    try:
        if fmt == "markdown":
            out.write(f"# {t.display_title}\n\n## Chapters\n\n")
            out.flush()
        async with contextlib.aclosing(summarizer.run(t)) as events:
            async for ev in events:
                if isinstance(ev, Progress):
                    progress.show(ev.stage, ev.fraction, ev.eta_s)
                elif isinstance(ev, ChapterFound) and fmt == "markdown":
                    out.write(f"- {display_time(ev.chapter.start_s, est)} {ev.chapter.title}\n")
                    out.flush()
                elif isinstance(ev, SummaryDelta) and fmt == "markdown":
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
                    if fmt == "json":
                        json.dump(ev.result.to_dict(), out, ensure_ascii=False, indent=2)
                    out.write("\n")
                    out.flush()
                elif isinstance(ev, Failed):
                    progress.done()
                    code = _die(ev.message)
                elif isinstance(ev, Cancelled):
                    progress.done()
                    code = _die("stopped.", EXIT_INTERRUPTED)
    finally:
        await engine.close()
    return code


def _options(a: argparse.Namespace) -> Options:
    from .summarize import Options

    kw: dict[str, object] = {"preset": a.preset, "language": a.language}
    if a.window_tokens:
        kw["window_tokens"] = a.window_tokens
    return Options(**kw)  # type: ignore[arg-type]


def cmd_presets(argv: list[str]) -> int:
    from .summarize.presets import load_presets, user_presets_dir

    ap = argparse.ArgumentParser(prog="recap presets", description="List the presets (what Recap writes).")
    ap.parse_args(argv)
    for p in load_presets().values():
        print(f"{p.id:12} {p.name}: {p.description}")
    print(f"\nYour own presets (TOML files, same fields) go in {user_presets_dir()}", file=sys.stderr)
    return EXIT_OK


def cmd_summarize(argv: list[str]) -> int:
    from .transcript import TranscriptError, read_file

    ap = argparse.ArgumentParser(prog="recap summarize", description="Summarize and chapter a transcript.")
    ap.add_argument("file", type=Path)
    ap.add_argument(
        "--model", help="GGUF model file (default: $RECAP_MODEL, then the one chosen in the window)"
    )
    ap.add_argument("--format", choices=["markdown", "json"], default="markdown")
    ap.add_argument("--ctx", type=int, help="context size in tokens (default: min(8192, the model's))")
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
        "--fresh",
        action="store_true",
        help="ignore stored results and unfinished runs; compute everything again",
    )
    a = ap.parse_args(argv)
    try:
        t = read_file(a.file, fps=a.fps)
    except TranscriptError as e:
        return _die(str(e), EXIT_USAGE)
    model = resolve_model(a.model)
    if not model:
        return _die("no model: pass --model PATH to a .gguf file (see models/README.md).", EXIT_USAGE)
    from .engine import EngineError
    from .engine.llama_engine import check_model_file

    try:
        check_model_file(Path(model))
    except EngineError as e:
        return _die(str(e), EXIT_USAGE)
    try:
        return asyncio.run(_summarize(t, model, a.format, a.ctx, a.threads, a.fresh, _options(a)))
    except KeyboardInterrupt:
        return _die("stopped.", EXIT_INTERRUPTED)


def gui(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="recap",
        description="Recap: offline transcript summaries and chapters.",
        epilog="Subcommands: recap inspect FILE, recap summarize FILE (see --help of each).",
    )
    ap.add_argument("files", nargs="*", type=Path, help="transcript files to open")
    ap.add_argument("--model", help="GGUF model file to use (remembered)")
    ap.add_argument(
        "--exit-when-done",
        action="store_true",
        help="quit when the queued files are finished; exit status 0 only if every file was summarized",
    )
    ap.add_argument("--version", action="version", version=f"recap {__version__}")
    a = ap.parse_args(argv)
    from .ui.run import run_gui

    return run_gui([str(f) for f in a.files], a.model, exit_when_done=a.exit_when_done)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS and not Path(argv[0]).exists():
        try:
            return {"inspect": cmd_inspect, "summarize": cmd_summarize, "presets": cmd_presets}[argv[0]](
                argv[1:]
            )
        except BrokenPipeError:  # `recap inspect FILE | head`: the reader left, which is fine
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
    return gui(argv)


def gui_main() -> None:
    sys.exit(gui(sys.argv[1:]))


if __name__ == "__main__":
    sys.exit(main())
