"""The reference corpus (../shared/corpus): every case through the `ilo` command.

Cases listed in corpus_known_failures.txt are expected to fail (strict: a listed case that
passes fails the run, so the list only shrinks). The summary test prints the pass rate per family.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import CORPUS, check_case, read_cases

KNOWN_FAILURES_FILE = Path(__file__).with_name("corpus_known_failures.txt")


def _known_failures() -> set[str]:
    if not KNOWN_FAILURES_FILE.exists():
        return set()
    lines = KNOWN_FAILURES_FILE.read_text().split("\n")
    return {ln.split()[0] for ln in lines if ln.strip() and not ln.startswith("#")}


CASES = [c for p in sorted(CORPUS.glob("*.ilo")) for c in read_cases(p)] if CORPUS.exists() else []
KNOWN = _known_failures()


@pytest.mark.skipif(not CASES, reason="../shared/corpus not found")
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_case(case):
    problem = check_case(case)
    if case.id in KNOWN:
        if problem is None:
            pytest.fail(f"{case.id} passes now: remove it from {KNOWN_FAILURES_FILE.name}")
        pytest.xfail("known failure")
    assert problem is None, problem


@pytest.mark.skipif(not CASES, reason="../shared/corpus not found")
def test_corpus_summary(capsys):
    """arith and ctrl must pass completely; print the pass rate of every family."""
    total, passed = Counter(), Counter()
    for case in CASES:
        family = case.path.stem.split("-")[0]
        total[family] += 1
        passed[family] += case.id not in KNOWN
    with capsys.disabled():
        print("\ncorpus pass rate per family (known failures excluded):")
        for fam in sorted(total):
            print(f"  {fam:8} {passed[fam]:4}/{total[fam]:<4} {100 * passed[fam] / total[fam]:5.1f}%")
    assert not [k for k in KNOWN if k.split("-")[0] in ("arith", "ctrl")]


NUMERIC = [c for c in CASES if c.path.stem.split("-")[0] in ("arith", "ctrl")]


@pytest.mark.parametrize("engine", ["llvm", "auto"])
@pytest.mark.parametrize("case", NUMERIC, ids=[c.id for c in NUMERIC])
def test_numeric_families_through_native_engines(case, engine):
    """arith and ctrl use only numbers: every native engine must run them identically."""
    problem = check_case(case, ["--engine", engine])
    assert problem is None, problem
