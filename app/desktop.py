"""`recap --install-desktop` / `--uninstall-desktop`: the launcher entry, icons and AppStream metadata for the
current user, in the freedesktop folders ($XDG_DATA_HOME, default ~/.local/share), so that Recap appears in the
application launcher and in the file manager's "Open with" for transcript files. Pure Python; no Qt.

The desktop file's Exec line names the `recap` launcher of this installation by its absolute path (a virtual
environment's bin folder is rarely on the desktop's PATH).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .assets import resources_dir

APP_ID = "org.recap.Recap"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def launcher() -> str:
    """The command that starts this installation's window, for the Exec line."""
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: the executable itself
        return _quote(sys.executable)
    bindir = Path(sys.executable).parent
    for name in ("recap", "recap.exe"):
        if (bindir / name).is_file():
            return _quote(str(bindir / name))
    return f"{_quote(sys.executable)} -m app"


def _quote(arg: str) -> str:
    """Desktop Entry Exec quoting: arguments with spaces or reserved characters go in double quotes."""
    if not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
    return f'"{escaped}"'


def installed_paths(home: Path | None = None) -> list[Path]:
    h = home or data_home()
    paths = [
        h / "applications" / f"{APP_ID}.desktop",
        h / "metainfo" / f"{APP_ID}.metainfo.xml",
        h / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
    ]
    paths += [h / "icons" / "hicolor" / f"{s}x{s}" / "apps" / f"{APP_ID}.png" for s in ICON_SIZES]
    return paths


def install(home: Path | None = None) -> list[Path]:
    """Write the entry, icons and metadata; returns what was written. Raises OSError with the OS's reason."""
    res = resources_dir()
    if res is None:
        raise OSError("Recap's resources folder was not found")
    h = home or data_home()
    entry = (res / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    exe = launcher()
    entry = entry.replace("Exec=recap %F", f"Exec={exe} %F").replace("TryExec=recap\n", "")
    written: list[Path] = []

    def put(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.part")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        written.append(path)

    apps, meta, icons = installed_paths(h)[0], installed_paths(h)[1], h / "icons" / "hicolor"
    put(apps, entry.encode())
    put(meta, (res / f"{APP_ID}.metainfo.xml").read_bytes())
    put(icons / "scalable" / "apps" / f"{APP_ID}.svg", (res / "icons" / "recap.svg").read_bytes())
    for s in ICON_SIZES:
        put(icons / f"{s}x{s}" / "apps" / f"{APP_ID}.png", (res / "icons" / f"recap-{s}.png").read_bytes())
    _refresh_caches(h)
    return written


def uninstall(home: Path | None = None) -> list[Path]:
    h = home or data_home()
    removed = []
    for p in installed_paths(h):
        if p.exists():
            p.unlink()
            removed.append(p)
    _refresh_caches(h)
    return removed


def _refresh_caches(h: Path) -> None:
    """The desktop's MIME and icon caches, where their tools are installed (they are optional)."""
    for cmd in (
        ["update-desktop-database", "-q", str(h / "applications")],
        ["gtk-update-icon-cache", "-q", "-t", str(h / "icons" / "hicolor")],
    ):
        if shutil.which(cmd[0]) and Path(cmd[-1]).is_dir():
            subprocess.run(cmd, capture_output=True, check=False, timeout=30)
