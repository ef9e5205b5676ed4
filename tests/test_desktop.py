"""`recap --install-desktop` into a temporary XDG_DATA_HOME, validated with the freedesktop tools."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app.desktop import APP_ID, installed_paths
from tests.helpers import recap

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary XDG_DATA_HOME for the `recap` processes of the test."""
    h = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(h))
    return h


def _env_recap(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return recap(*args)


def test_install_and_uninstall_desktop_entry(home: Path) -> None:
    r = _env_recap(home, "--install-desktop")
    assert r.returncode == 0, r.stderr
    for p in installed_paths(home):
        assert p.is_file(), p
    entry = (home / "applications" / f"{APP_ID}.desktop").read_text()
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    program = exec_line.removeprefix("Exec=").split(" %F")[0].split(" -m app")[0].strip('"')
    assert Path(program).is_file(), exec_line  # an absolute path to this installation's launcher
    assert (
        "MimeType=text/plain;application/x-subrip;text/vtt;application/json;"
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document;"
    ) in entry
    assert "Icon=org.recap.Recap" in entry
    r = _env_recap(home, "--uninstall-desktop")
    assert r.returncode == 0 and not any(p.exists() for p in installed_paths(home))


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-validate is not installed"
)
def test_installed_desktop_file_validates(home: Path) -> None:
    assert _env_recap(home, "--install-desktop").returncode == 0
    r = subprocess.run(
        ["desktop-file-validate", str(home / "applications" / f"{APP_ID}.desktop")],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and not r.stdout.strip(), r.stdout


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstreamcli is not installed")
def test_metainfo_validates() -> None:
    r = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(ROOT / "resources" / f"{APP_ID}.metainfo.xml")],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_icons_are_square_pngs_of_their_size() -> None:
    from app.desktop import ICON_SIZES

    for s in ICON_SIZES:
        data = (ROOT / "resources" / "icons" / f"recap-{s}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (s, s)
