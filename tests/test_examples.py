"""Every annotated case of examples/*.ilo through the `ilo` command (stdout, stderr, exit code)."""

from __future__ import annotations

import pytest

from conftest import EXAMPLES, check_case, read_cases

CASES = [c for p in sorted(EXAMPLES.glob("*.ilo")) for c in read_cases(p)]


def test_examples_cover_the_language():
    files = {c.path.name for c in CASES}
    assert len(files) >= 60
    assert sum(1 for f in files if f.startswith("num-")) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_example_case(case):
    problem = check_case(case)
    assert problem is None, problem


@pytest.mark.parametrize("engine", ["llvm", "auto"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_example_case_through_native_engines(case, engine):
    """The same cases with native code: identical stdout, stderr and exit code."""
    problem = check_case(case, ["--engine", engine])
    assert problem is None, problem
