"""The conformance corpus through the front end.

- Every corpus program parses (imports resolved) with no error.
- Every case whose expected `-- err:` is a lexer/parser/import diagnostic (ILO-L*/ILO-P*) gets
  exactly that JSON line (after the cross-language warning, if any).
- Every runtime/verifier label in the corpus (ILO-R*/ILO-T* with a span) is the span of a
  statement of the parsed program: spans are what those diagnostics report (diagnostics.md §3).
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from ilo_aot.frontend import ast as A
from ilo_aot.frontend.imports import load_program

CORPUS = Path(os.environ.get("ILO_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
FILES = sorted(CORPUS.glob("*.ilo")) if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(not FILES, reason="conformance corpus not found")


def expected_errors(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        if line.startswith("-- err: {"):
            out.append(json.loads(line[len("-- err: ") :]))
    return out


def front_end_diagnostics(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    _, diags = load_program(A.SourceFile(str(path), text))
    return [d.to_json() for d in diags if d.code is not None]


def statement_spans(node: object, out: set[tuple[int, int]]) -> None:
    """Spans of every statement (and braceless-guard result operand) under `node`."""
    if isinstance(node, A.Stmt):
        out.add((node.span.start, node.span.end))
    if isinstance(node, A.Guard):
        out.add((node.value.span.start, node.value.span.end))
    if isinstance(node, A.Node):
        for f in dataclasses.fields(node):
            if f.name != "source":
                statement_spans(getattr(node, f.name), out)
    elif isinstance(node, (list, tuple)):
        for item in node:
            statement_spans(item, out)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    front = [e for e in expected_errors(text) if e.get("code", "")[:5] in ("ILO-L", "ILO-P")]
    got = front_end_diagnostics(path)
    if front:
        # Each such case expects exactly this one diagnostic line.
        for expected in front:
            assert got[:1] == [
                json.dumps(expected, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            ]
    else:
        assert got == []


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_labels_are_statement_spans(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    labels = [
        (lab["start"], lab["end"])
        for err in expected_errors(text)
        if err.get("code", "")[:5] in ("ILO-R", "ILO-T")
        for lab in err["labels"]
    ]
    if not labels:
        return
    program, _ = load_program(A.SourceFile(str(path), text))
    spans: set[tuple[int, int]] = set()
    statement_spans(program.decls, spans)
    for label in labels:
        assert label in spans


def test_corpus_counts() -> None:
    """A summary line of how much of the corpus the front end covers."""
    parsed = sum(1 for p in FILES if front_end_diagnostics(p) == [])
    print(f"corpus: {parsed}/{len(FILES)} files parse without front-end errors")
    assert parsed == len(FILES)
