"""Shared test helpers: running the `ilo` command in-process and reading annotated programs."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
EXAMPLES = ROOT / "examples"

# CI runs the property tests with a fixed seed sequence, so a red CI is always reproducible;
# local runs keep exploring new examples.
# (conftest is also imported by scripts run under qemu's aarch64 Python, which has no hypothesis.)
try:
    from hypothesis import settings
except ImportError:  # pragma: no cover
    settings = None
if settings is not None:
    settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")

# Tests never write the user's own compile cache.
os.environ.setdefault("ILO_AOT_CACHE", tempfile.mkdtemp(prefix="ilo-aot-test-cache-"))

for p in (ROOT, ROOT / "runtime"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))


@dataclass
class Case:
    path: Path
    args: list[str]
    expect: str  # "out" or "err"
    text: str
    index: int

    @property
    def id(self) -> str:
        return f"{self.path.stem}#{self.index}"


def read_cases(path: Path) -> list[Case]:
    """`-- run:` lines paired with the next `-- out:`/`-- err:` (language.md §9.5)."""
    cases: list[Case] = []
    pending: list[str] | None = None
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("-- run:"):
            pending = line[len("-- run:") :].split()
        elif (line.startswith("-- out:") or line.startswith("-- err:")) and pending is not None:
            kind = line[3:6]
            cases.append(Case(path, pending, kind, line[len("-- out:") :].strip(), len(cases)))
            pending = None
    return cases


@dataclass
class RunResult:
    code: int
    out: str
    err: str


def run_ilo(args: list[str], cwd: Path | None = None) -> RunResult:
    """Run the `ilo` command in this process (stderr is not a terminal: JSON diagnostics)."""
    from ilo_aot.cli import _main

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = _main(list(args), out, err)
    finally:
        os.chdir(old)
    return RunResult(code, out.getvalue(), err.getvalue())


def check_case(case: Case, extra: list[str] | None = None) -> str | None:
    """Run one annotated case; None if it passes, else a description of the difference."""
    res = run_ilo([str(case.path), *case.args, *(extra or [])], cwd=case.path.parent)
    if case.expect == "out":
        if res.code != 0 or res.out.strip() != case.text:
            return (
                f"exit {res.code}\nstdout: {res.out.strip()!r}\nexpected: {case.text!r}"
                f"\nstderr: {res.err.strip()!r}"
            )
        return None
    if res.code == 0 or res.err.strip() != case.text:
        # Diagnostics are JSON lines; the expected text is the whole trimmed stderr.
        return f"exit {res.code}\nstderr: {res.err.strip()!r}\nexpected: {case.text!r}"
    return None
