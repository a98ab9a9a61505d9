"""Differential testing of the tiers (design.md §3: "The fallback tier is the reference; native
code must return bit-identical results and raise the same errors").

Generated programs (`ilogen.programs`) and generated inputs (NaN, infinities, -0.0, huge,
tiny and subnormal values, integers, and values next to the program's own literals) go
through the fallback tier, the LLVM backend in this process, and the AArch64 backend in the
unicorn emulator. Results must be bit-identical (only NaN payloads may differ); errors must
have the same code and message, and the same span and `called from` notes.

The `Tiers` harness is also used by `test_differential_examples.py`.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from typing import Any

import ilogen
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from ilo_aot.api import LoadedProgram, compile_program
from ilo_aot.backends.llvm import compile_module
from ilo_aot.ir import ir
from ilo_aot.ir.eligibility import analyse
from ilo_aot.ir.errors import RECURSION_LIMIT
from ilo_runtime.errors import IloCompileError, IloRuntimeError

pytest.importorskip("unicorn")

from ilo_aot.backends.arm64.codegen import compile_module as arm64_compile  # noqa: E402
from ilo_aot.backends.arm64.emulate import Emulator, libm_helpers  # noqa: E402
from ilo_aot.backends.arm64.link import DataBlock  # noqa: E402

EPSILON = 2.220446049250313e-16
RECURSION_CODE = "ILO-R010"


# ---------------------------------------------------------------------------------------------
# Outcomes and their comparison


@dataclass(frozen=True)
class Outcome:
    """What one call gave: a value, or an error with its diagnostic's span and notes."""

    value: Any = None
    code: str | None = None
    message: str | None = None
    span: tuple[int | None, int | None] | None = None
    notes: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.code is not None

    def describe(self) -> str:
        if self.failed:
            notes = list(self.notes)
            if len(notes) > 4:
                notes = [*notes[:2], f"... {len(self.notes)} notes in all"]
            return f"error {self.code} {self.message!r} at {self.span} notes={notes}"
        return f"{type(self.value).__name__} {self.value!r}"


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def same_value(a: Any, b: Any) -> bool:
    """Identical ilo values: same Python type; floats bit for bit, any NaN equal to any NaN."""
    if type(a) is not type(b):
        return False
    if type(a) is float:
        return bits(a) == bits(b) or (math.isnan(a) and math.isnan(b))
    return a == b


def disagreement(reference: Outcome, other: Outcome, both_native: bool = False) -> str | None:
    """None when `other` matches the fallback tier's `reference`, else what differs.

    The recursion-depth error is the exception: the fallback tier raises it at its own limit
    (design.md §4), at whichever Python call trips, so native code may still return a value
    there, and an error need only agree in code and message. Two native tiers must agree on
    everything."""
    differs = f"fallback: {reference.describe()}; native: {other.describe()}"
    if reference.code == RECURSION_CODE and not both_native:
        if not other.failed or (reference.code, reference.message) == (other.code, other.message):
            return None
        return differs
    if reference.failed != other.failed:
        return differs
    if not reference.failed:
        return None if same_value(reference.value, other.value) else differs
    if (reference.code, reference.message, reference.notes) != (
            other.code, other.message, other.notes):
        return differs
    return None if reference.span == other.span else differs


def error_outcome(err: IloRuntimeError) -> Outcome:
    diag = err.diagnostic
    if diag is None:
        return Outcome(code=err.code, message=err.message)
    return Outcome(code=err.code, message=err.message, span=(diag.start, diag.end),
                   notes=tuple(diag.notes))


# ---------------------------------------------------------------------------------------------
# The tiers


class Arm64Tier:
    """The AArch64 backend's code for an IR module, run in the unicorn emulator with the
    IloCtx protocol of `ilo_aot.ir.ir` (status word, depth limit, failing-frame trace)."""

    TRACE_CAP = RECURSION_LIMIT + 1  # every frame of the deepest failing chain

    def __init__(self, module: ir.Module, stack_size: int = 1 << 20) -> None:
        self.module = module
        self.compiled = arm64_compile(module)
        blocks = [DataBlock("ctx", bytes(ir.CTX_SIZE)), DataBlock("trace", bytes(4 * self.TRACE_CAP))]
        self.emu = Emulator(self.compiled.functions, data=blocks, helpers=libm_helpers(),
                            stack_size=stack_size)

    def call(self, name: str, args: list[Any], max_instructions: int = 50_000_000) -> Outcome:
        fn = self.module.function(name)
        ctx, trace = self.emu.address("ctx"), self.emu.address("trace")
        self.emu.write_memory(ctx, struct.pack("<iiiiiiQ", 0, 0, RECURSION_LIMIT, 0,
                                               self.TRACE_CAP, 0, trace))
        native_args = [int(a) if type(a) is bool else float(a) for a in args]
        kind = "f64" if fn.ret == ir.F64 else "i64"
        raw = self.emu.call(self.compiled.symbols[name], ctx, *native_args, result=kind,
                            max_instructions=max_instructions)
        status, depth, _, trace_len = struct.unpack("<iiii", self.emu.read_memory(ctx, 16))
        if status:
            site = self.module.sites[status - 1]
            count = min(trace_len, self.TRACE_CAP)
            ids = struct.unpack(f"<{count}i", self.emu.read_memory(trace, 4 * count))
            notes = tuple(f"called from '{self.module.functions[i].name}'" for i in reversed(ids))
            if trace_len > self.TRACE_CAP:
                notes = ("<trace truncated>",)
            span = site.span if site.span is not None else (None, None)
            return Outcome(code=site.code, message=site.message, span=span, notes=notes)
        assert depth == 0, f"{name}: depth {depth} after a successful call"
        if fn.ret == ir.BOOL:
            assert raw in (0, 1), f"{name}: bool result {raw}"
            return Outcome(value=bool(raw))
        return Outcome(value=raw)


@dataclass
class Tiers:
    """One program loaded in every tier."""

    loaded: LoadedProgram
    llvm_callables: dict[str, Any]
    llvm_ineligible: dict[str, str]
    arm64_native: list[str]
    arm64_ineligible: dict[str, str]
    arm64: Arm64Tier | None
    param_types: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, source: str, stack_size: int = 1 << 20) -> Tiers:
        loaded = compile_program(source)
        nm = compile_module(loaded.program)
        analysis = analyse(loaded.program)
        arm64 = Arm64Tier(analysis.module, stack_size) if analysis.module.functions else None
        types = {f.name: ["b" if t == ir.BOOL else "n" for t in f.param_types]
                 for f in analysis.module.functions}
        return cls(loaded, nm.callables, nm.ineligible, analysis.native,
                   dict(analysis.reasons), arm64, types)

    def fallback(self, name: str, args: list[Any]) -> Outcome:
        try:
            return Outcome(value=self.loaded.call(name, list(args)))
        except IloRuntimeError as err:
            return error_outcome(err)

    def llvm(self, name: str, args: list[Any]) -> Outcome:
        try:
            return Outcome(value=self.llvm_callables[name](*args))
        except IloRuntimeError as err:
            return error_outcome(err)

    def arm64_call(self, name: str, args: list[Any]) -> Outcome:
        assert self.arm64 is not None
        return self.arm64.call(name, args)

    def compare(self, name: str, args: list[Any]) -> list[str]:
        """Run `name(*args)` in every tier where it is native; the disagreements found."""
        reference = self.fallback(name, args)
        problems = []
        llvm = emulated = None
        if name in self.llvm_callables:
            llvm = self.llvm(name, args)
            why = disagreement(reference, llvm)
            if why:
                problems.append(f"LLVM {name}{tuple(args)}: {why}")
        if name in self.arm64_native:
            # The emulated tier's notes come from the trace; spans from the IR's fail sites.
            emulated = self.arm64_call(name, args)
            why = disagreement(reference, emulated)
            if why:
                problems.append(f"AArch64 {name}{tuple(args)}: {why}")
        if llvm is not None and emulated is not None:
            why = disagreement(llvm, emulated, both_native=True)
            if why:
                problems.append(f"LLVM vs AArch64 {name}{tuple(args)}: {why}")
        return problems


# ---------------------------------------------------------------------------------------------
# Inputs

SPECIAL_NUMBERS = (
    math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 2.0, -3.0, 0.5, -0.5, 1.5, 2.5, -2.5,
    0.1, 0.2, 0.3, 10.0, 100.0, 1e308, -1e308, 1.7976931348623157e308, 5e-324, -5e-324,
    2.2250738585072014e-308, 1e-300, EPSILON, EPSILON / 2, 2 * EPSILON, 2.0**53, 2.0**63,
    -(2.0**63), 1e19, 9.3e18, 0.49999999999999994, 4503599627370497.0,
)


def near(c: float) -> list[float]:
    """Values at and next to `c`, and at the edges of `=`'s epsilon around it."""
    return [c, -c, math.nextafter(c, math.inf), math.nextafter(c, -math.inf), c + EPSILON,
            c - EPSILON, c + EPSILON / 2, c - EPSILON / 2, c + 2 * EPSILON, c - 2 * EPSILON]


def numbers(literals: list[float]) -> st.SearchStrategy[float]:
    boundary = sorted({x for c in literals for x in near(c)} | {0.0}, key=repr)
    return st.one_of(
        st.sampled_from(SPECIAL_NUMBERS),
        st.sampled_from(boundary),
        st.integers(-10, 10).map(float),
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(-10, 10),
    )


def arguments(types: list[str], literals: list[float]) -> st.SearchStrategy[list[Any]]:
    return st.tuples(*[st.booleans() if t == "b" else numbers(literals) for t in types]).map(list)


# ---------------------------------------------------------------------------------------------
# Generated programs through every tier


def load_generated(program: ilogen.GenProgram) -> Tiers:
    try:
        tiers = Tiers.load(program.source)
    except IloCompileError:
        assume(False)  # rare: test_generator_rarely_writes_invalid_programs bounds the rate
        raise
    return tiers


# No shrinking: a program is a long chain of draws and shrinking it takes minutes; the failure
# message holds the whole program and every disagreement instead.
@settings(max_examples=60, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_generated_programs_agree_across_tiers(data: st.DataObject) -> None:
    program = data.draw(ilogen.programs(), label="program")
    tiers = load_generated(program)
    names = [s.name for s in program.functions]
    # Every generated function is within levels 1-2, so both native tiers must take it.
    assert tiers.llvm_ineligible == {}, f"{program.source}\nnot native (LLVM): {tiers.llvm_ineligible}"
    assert tiers.arm64_ineligible == {}, f"{program.source}\nnot native: {tiers.arm64_ineligible}"
    assert sorted(tiers.llvm_callables) == sorted(names) == sorted(tiers.arm64_native)
    problems: list[str] = []
    for sig in program.functions:
        inputs = data.draw(st.lists(arguments(list(sig.param_types), program.literals),
                                    min_size=4, max_size=8), label=f"inputs of {sig.name}")
        for args in inputs:
            problems += tiers.compare(sig.name, args)
    assert not problems, program.source + "\n" + "\n".join(problems)


def test_generator_rarely_writes_invalid_programs() -> None:
    """Fewer than 5% of generated programs may fail to verify (they are discarded)."""
    outcomes: list[bool] = []

    @settings(max_examples=80, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(ilogen.programs())
    def generate(program: ilogen.GenProgram) -> None:
        try:
            compile_program(program.source)
            outcomes.append(True)
        except IloCompileError:
            outcomes.append(False)

    generate()
    failures = outcomes.count(False)
    assert len(outcomes) >= 50
    assert failures <= 0.05 * len(outcomes), f"{failures} of {len(outcomes)} failed to verify"


# ---------------------------------------------------------------------------------------------
# Hand-written programs on the special values: every operation at its edges

EDGE_NUMBERS = (math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 2.5, 3.0,
                1e308, 5e-324, EPSILON, EPSILON / 2, 2.0**63, 0.1, 7.0)

EDGE_PROGRAMS = "\n".join([
    *[f"u{name} x:n>n;{name} x" for name in ilogen.UNARY_MATH],
    *[f"b{name} x:n y:n>n;{name} x y" for name in ilogen.BINARY_MATH],
    "cl x:n y:n>n;clamp x y 1",
    "ar x:n y:n>n;/ - * x y x + y 1",
    "neg x:n y:n>n;- (- x) y",
    "eq x:n y:n>b;= x y",
    "ne x:n y:n>b;!= x y",
    "lt x:n y:n>b;< x y",
    "ge x:n y:n>b;>= x y",
    "an x:n y:n>n;& x y{ret 1};0",
    "orr x:n y:n>n;| x y{ret 1}{ret (- 1)}",
    "nt x:n y:n>b;! & x y",
    "tr x:n y:n>n;?x y 9",
    "pt x:n y:n>n;?= x y 1 2",
    "gd x:n y:n>n;> x y 1;< x y (- 1);0",
    "mt x:n y:n>n;?x{0:10;1:11;2.5:12;_:+ _ y}",
    "mb x:n y:n>n;?(< x y){true:1;_:2}",
    "rg x:n y:n>n;s=0;@i (clamp x (- 3) 5)..(clamp y (- 3) 5){= i 1{cnt};s=+ s i};s",
    "wl x:n y:n>n;k=0;s=0;wh & < k 5 > x k{k=+ k 1;= k 3{cnt};> s 100{brk};s=+ s y};s",
    "inner x:n y:n>n;+ (mod x y) (/ 1 y)",
    "outer x:n y:n>n;v=(inner x y);* v 2",
]) + "\n"


def edge_arguments(arity: int) -> list[list[float]]:
    if arity == 1:
        return [[x] for x in EDGE_NUMBERS]
    return [[x, y] for x in EDGE_NUMBERS for y in EDGE_NUMBERS]


def test_edge_values_agree_across_tiers() -> None:
    tiers = Tiers.load(EDGE_PROGRAMS)
    assert tiers.llvm_ineligible == {} and tiers.arm64_ineligible == {}
    problems: list[str] = []
    calls = 0
    for name, types in tiers.param_types.items():
        for args in edge_arguments(len(types)):
            problems += tiers.compare(name, args)
            calls += 1
    assert not problems, "\n".join(problems[:40])
    assert calls > 5000


def test_comparison_itself_can_fail() -> None:
    """The harness tells apart what must differ: -0.0 and 0.0, 1.0 and True, spans, notes."""
    assert disagreement(Outcome(value=0.0), Outcome(value=-0.0))
    assert disagreement(Outcome(value=1.0), Outcome(value=True))
    assert disagreement(Outcome(value=math.nan), Outcome(value=-math.nan)) is None
    err = Outcome(code="ILO-R003", message="division by zero", span=(3, 9), notes=("called from 'f'",))
    assert disagreement(err, Outcome(value=1.0))
    assert disagreement(err, Outcome(code="ILO-R003", message="modulo by zero", span=(3, 9),
                                     notes=err.notes))
    assert disagreement(err, Outcome(code="ILO-R003", message="division by zero", span=(3, 9),
                                     notes=()))
    assert disagreement(err, Outcome(code="ILO-R003", message="division by zero", span=(0, 2),
                                     notes=err.notes))
    assert disagreement(err, err) is None


# ---------------------------------------------------------------------------------------------
# Disagreements these tests found, fixed; kept as regression tests


def test_range_bounds_beyond_int64_saturate() -> None:
    tiers = Tiers.load("h x:n y:n>n;v=0;@i x..y{v=i;brk};v\n")
    problems = tiers.compare("h", [1e19, 1e20]) + tiers.compare("h", [-1e19, 0.0])
    assert not problems, "\n".join(problems)


def test_fallback_span_after_match_expression() -> None:
    tiers = Tiers.load("f x:n y:n>n;v= mod (?x{_:x}) y;v\n")
    reference, native = tiers.fallback("f", [5.0, 0.0]), tiers.llvm("f", [5.0, 0.0])
    assert reference.span == native.span == (12, 30)


def test_bool_match_with_both_arms_is_native() -> None:
    tiers = Tiers.load("g x:n>n;v=(?(= x 1){true:1;false:2});v\nk x:n>n;?(= x 1){true:1;false:2}\n")
    assert tiers.llvm_ineligible == {}
