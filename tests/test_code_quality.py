"""ruff (lint and format) and mypy over the code, as part of the suite, so that one command checks it all."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name if (BIN / name).exists() else shutil.which(name)
    if not path:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]' installs it")
    return str(path)


@pytest.mark.parametrize(
    "args",
    [
        ["ruff", "check", "app", "tests", "packaging", "resources"],
        ["ruff", "format", "--check", "app", "tests", "packaging", "resources"],
        ["mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_tool_is_clean(args: list[str]) -> None:
    r = subprocess.run([_tool(args[0]), *args[1:]], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
