"""The example programs through every tier: each native function of examples/*.ilo and of the
corpus's `arith-*`/`ctrl-*` files runs in the fallback tier, the LLVM backend and the AArch64
backend (emulated) on the inputs of the file's `-- run:` lines (converted as the CLI converts
them) and on a few extra values; results must be bit-identical and errors identical.

Extra values may make a loop run forever (`wh !=n 1` on 0) or for very long, so they go to the
emulated AArch64 tier first, which has an instruction budget: inputs that do not finish within
it are skipped in every tier.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from conftest import CORPUS, EXAMPLES, read_cases

pytest.importorskip("unicorn")

from test_differential import Outcome, Tiers  # noqa: E402

from ilo_aot.backends.arm64.emulate import EmulationError  # noqa: E402
from ilo_aot.cli_args import choose_entry  # noqa: E402
from ilo_runtime.errors import IloCompileError  # noqa: E402

FILES = sorted(EXAMPLES.glob("*.ilo")) + sorted(CORPUS.glob("arith-*.ilo")) + sorted(
    CORPUS.glob("ctrl-*.ilo"))
EXTRA_NUMBERS = (0.0, 1.0, -1.0, 2.5, -0.0, 7.0, 0.1, math.nan, math.inf, -math.inf, 1e300)
# Instructions the emulated tier may spend on one extra input before it counts as too long.
FUEL = 200_000
# Native functions among examples/*.ilo today: fewer means an eligibility regression.
EXAMPLES_NATIVE_FLOOR = 182


def load(path: Path) -> Tiers | None:
    """The file in every tier, or None if it does not load (programs showing errors)."""
    try:
        return Tiers.load(str(path), stack_size=8 << 20)
    except IloCompileError:
        return None


def run_line_inputs(tiers: Tiers, path: Path) -> list[tuple[str, list[Any]]]:
    """(entry, arguments) of the `-- run:` lines whose entry is native and whose converted
    arguments are numbers/bools of the right count (native code takes nothing else)."""
    out = []
    for case in read_cases(path):
        entry, args, special = choose_entry(tiers.loaded.program, case.args, is_file=True)
        if special is not None or entry is None or entry not in tiers.arm64_native:
            continue
        types = tiers.param_types[entry]
        if len(args) != len(types):
            continue
        kinds = ["b" if type(a) is bool else "n" if type(a) is float else "?" for a in args]
        if kinds == types:
            out.append((entry, args))
    return out


def extra_inputs(types: list[str]) -> list[list[Any]]:
    """Each extra number in every number parameter at once, and shifted combinations."""
    if not types:
        return [[]]
    rows = []
    for k, x in enumerate(EXTRA_NUMBERS):
        row: list[Any] = []
        for i, t in enumerate(types):
            row.append((k + i) % 2 == 0 if t == "b" else EXTRA_NUMBERS[(k + i) % len(EXTRA_NUMBERS)])
        rows.append(row)
        rows.append([x if t == "n" else True for t in types])
    return rows


def within_fuel(tiers: Tiers, name: str, args: list[Any]) -> Outcome | None:
    """The emulated tier's outcome, or None if it needs more than FUEL instructions."""
    assert tiers.arm64 is not None
    try:
        return tiers.arm64.call(name, args, max_instructions=FUEL)
    except EmulationError as exc:
        if "did not return" in str(exc):
            return None
        raise


@pytest.mark.skipif(not FILES, reason="no example programs found")
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_example_native_functions_agree_across_tiers(path: Path) -> None:
    tiers = load(path)
    if tiers is None:
        pytest.skip("does not load (shows a compile error)")
    native = tiers.arm64_native
    assert sorted(native) == sorted(tiers.llvm_callables), "LLVM and AArch64 eligibility differ"
    problems: list[str] = []
    checked = 0
    for entry, args in run_line_inputs(tiers, path):
        problems += tiers.compare(entry, args)
        checked += 1
    for name in native:
        for args in extra_inputs(tiers.param_types[name]):
            emulated = within_fuel(tiers, name, args)
            if emulated is None:
                continue  # too long (or endless) for this input: skipped in every tier
            problems += tiers.compare(name, args)
            checked += 1
    assert not problems, "\n".join(problems)
    if native:
        assert checked > 0


def test_examples_keep_their_native_functions() -> None:
    """How many example functions are native (a drop means an eligibility regression)."""
    total = 0
    for path in sorted(EXAMPLES.glob("*.ilo")):
        tiers = load(path)
        if tiers is not None:
            total += len(tiers.arm64_native)
    assert total >= EXAMPLES_NATIVE_FLOOR, f"only {total} native functions in examples/"
