"""The verifier against the reference corpus (../shared/corpus).

- Programs whose expected error is a verifier diagnostic (`ILO-T...`): `load_program` +
  `verify` must give the same diagnostics; `code` and `message` are asserted, and the number
  of exact matches (labels, notes, suggestion too) is printed and asserted not to regress.
- Every other program (no lexer/parser error expected) must verify without errors; one whose
  failing run's whole stderr is a single runtime diagnostic or `^e` display must verify
  without warnings too (they would have been printed first).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS, read_cases
from ilo_aot.frontend import verify as verify_mod
from ilo_aot.frontend.ast import SourceFile

imports = pytest.importorskip("ilo_aot.frontend.imports")

FILES = sorted(CORPUS.glob("*.ilo")) if CORPUS.exists() else []


def _expected_codes(path: Path) -> tuple[list[str], set[str], bool]:
    """(verifier JSON lines expected, codes of every JSON diagnostic, any other err case)."""
    t_lines: list[str] = []
    codes: set[str] = set()
    other_err = False
    for case in read_cases(path):
        if case.expect != "err":
            continue
        if case.text.startswith("{"):
            code = json.loads(case.text.split("\n")[0]).get("code", "")
            codes.add(code)
            if code.startswith("ILO-T"):
                t_lines = case.text.split("\n")
                continue
        other_err = True
    return t_lines, codes, other_err


def _verify_file(path: Path):
    src = SourceFile(path.name, path.read_text(encoding="utf-8"))
    program, front = imports.load_program(src)
    return program, front, verify_mod.verify(program)


T_FILES = [p for p in FILES if _expected_codes(p)[0]]
CLEAN_FILES = [
    p
    for p in FILES
    if not _expected_codes(p)[0]
    and not any(c.startswith(("ILO-L", "ILO-P")) for c in _expected_codes(p)[1])
]


@pytest.fixture(autouse=True)
def strict_verifier(monkeypatch):
    monkeypatch.setattr(verify_mod, "STRICT", True)


@pytest.mark.skipif(not T_FILES, reason="corpus not found")
@pytest.mark.parametrize("path", T_FILES, ids=[p.stem for p in T_FILES])
def test_verifier_error_cases(path):
    expected = [json.loads(line) for line in _expected_codes(path)[0]]
    _, front, found = _verify_file(path)
    assert front == []
    got = [json.loads(d.to_json()) for d in found]
    assert [(d["code"], d["message"]) for d in got] == [
        (d["code"], d["message"]) for d in expected
    ]


@pytest.mark.skipif(not T_FILES, reason="corpus not found")
def test_verifier_error_cases_exact(capsys):
    """Whole JSON lines (spans, notes, suggestions) equal the reference's."""
    exact = 0
    mismatches = []
    for path in T_FILES:
        expected = _expected_codes(path)[0]
        _, _, found = _verify_file(path)
        got = [d.to_json() for d in found]
        if got == expected:
            exact += 1
        else:
            mismatches.append((path.stem, got, expected))
    with capsys.disabled():
        print(f"\nverifier corpus cases matching exactly: {exact}/{len(T_FILES)}")
    assert mismatches == []


@pytest.mark.skipif(not CLEAN_FILES, reason="corpus not found")
def test_other_programs_verify_clean():
    problems = []
    for path in CLEAN_FILES:
        _, front, found = _verify_file(path)
        if front:
            continue  # a parser problem, reported by the parser's own tests
        errors = [d.to_json() for d in found if d.severity == "error"]
        if errors:
            problems.append((path.stem, errors))
        elif _expected_codes(path)[2] and found:
            problems.append((path.stem, [d.to_json() for d in found]))
    assert problems == []
