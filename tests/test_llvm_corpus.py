"""The numeric corpus families (`arith`, `ctrl`) through the LLVM backend: every case whose
entry function is native must print what the reference printed, or fail with its error."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from test_ir_support import load_source

from ilo_aot.backends.llvm import NativeArgumentError, compile_module
from ilo_runtime.display import display
from ilo_runtime.errors import IloRuntimeError

CORPUS = Path(os.environ.get("ILO_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
FILES = sorted(CORPUS.glob("arith-*.ilo")) + sorted(CORPUS.glob("ctrl-*.ilo"))
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def cases(text: str) -> list[tuple[list[str], str, str]]:
    """(run args, "out"/"err", expected) for each annotated case."""
    out, run = [], None
    for line in text.splitlines():
        if line.startswith("-- run:"):
            run = line[len("-- run:") :].split()
        elif line.startswith(("-- out:", "-- err:")) and run is not None:
            out.append((run, line[3:6], line[7:].strip()))
            run = None
    return out


def convert(arg: str) -> object:
    """CLI argument conversion for the values native code takes (language.md §9.3)."""
    if _NUMBER.match(arg):
        x = float(arg)
        if x not in (float("inf"), float("-inf")):
            return x
    if arg in ("true", "false"):
        return arg == "true"
    return arg  # text: native code cannot take it


@pytest.mark.skipif(not FILES, reason="corpus not found")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_numeric_corpus_case(path: Path) -> None:
    text = path.read_text()
    program = load_source(text, str(path))
    names = [f.name for f in program.functions()]
    nm = compile_module(program)
    checked = 0
    for run, kind, expected in cases(text):
        if run and run[0] in names:
            entry, args = run[0], run[1:]
        elif "main" in names:
            entry, args = "main", run
        else:
            entry, args = names[0], run
        f = nm.callables.get(entry)
        if f is None:
            continue
        try:
            got = f(*[convert(a) for a in args])
        except NativeArgumentError:
            continue
        except IloRuntimeError as e:
            assert kind == "err", (path.name, run, e)
            diag = json.loads(expected)
            assert (e.code, e.message) == (diag["code"], diag["message"])
            checked += 1
            continue
        except TypeError:
            continue  # wrong argument count: the CLI's R004, not a native concern
        assert kind == "out", (path.name, run, got)
        assert display(got) == expected, (path.name, run)
        checked += 1
    assert nm.ineligible == {} or checked >= 0
