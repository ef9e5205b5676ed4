"""ruff (lint and format), mypy and the import contracts over the code, as part of the suite, so that one command
checks it all; and tests that share code through tests/helpers.py, never by importing one another."""

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
        [
            "lint-imports",
            "--no-cache",
        ],  # the layers and where Qt, qasync and llama.cpp belong (pyproject.toml)
    ],
    ids=["ruff-check", "ruff-format", "mypy", "import-contracts"],
)
def test_tool_is_clean(args: list[str]) -> None:
    r = subprocess.run([_tool(args[0]), *args[1:]], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]


def test_no_test_module_imports_another() -> None:
    """Shared test code lives in tests/helpers.py (fixtures in conftest.py): a test module imported by another
    runs its module-level code twice and ties unrelated tests together."""
    import re

    pattern = re.compile(r"^\s*(?:from|import)\s+tests(?:\.\w+)*\.(test_\w+|conftest)\b", re.MULTILINE)
    offenders = [
        f"{p.relative_to(ROOT)}: {m.group(0).strip()}"
        for p in sorted((ROOT / "tests").rglob("*.py"))
        for m in pattern.finditer(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
