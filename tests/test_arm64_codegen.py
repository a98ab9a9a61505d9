"""AArch64 code generated from the IR, run in the unicorn harness: the numeric corpus against
the reference outputs, IR semantics bit for bit, register pressure, calls, recursion depth and
the runtime-error protocol; and an object file linked and run under qemu-user."""

from __future__ import annotations

import json
import math
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("unicorn")

from conftest import CORPUS, read_cases  # noqa: E402
from ilo_aot.backends.arm64.codegen import (  # noqa: E402
    CodegenError,
    compile_module,
    listing,
    write_module_object,
)
from ilo_aot.backends.arm64.emulate import Emulator, libm_helpers  # noqa: E402
from ilo_aot.backends.arm64.link import DataBlock  # noqa: E402
from ilo_aot.backends.arm64.regalloc import FP_CALLEE_SAVED, allocate, build_intervals  # noqa: E402
from ilo_aot.frontend.ast import SourceFile  # noqa: E402
from ilo_aot.frontend.parser import parse_source  # noqa: E402
from ilo_aot.frontend.verify import verify  # noqa: E402
from ilo_aot.ir import ir  # noqa: E402
from ilo_aot.ir.eligibility import analyse  # noqa: E402
from ilo_aot.ir.errors import RECURSION_LIMIT  # noqa: E402
from ilo_aot.ir.ir import BOOL, F64, I64, Reg  # noqa: E402
from ilo_runtime.display import display  # noqa: E402

NAN, INF = math.nan, math.inf


def bits(value: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", value))[0]


class Native:
    """An IR module compiled by the AArch64 backend and loaded into the emulator, called with
    a fresh IloCtx each time; ``status``, ``depth`` and ``trace`` show the context after."""

    def __init__(self, module: ir.Module, *, trace_cap: int = 4, stack_size: int = 1 << 20):
        self.module = module
        self.compiled = compile_module(module)
        self.trace_cap = trace_cap
        blocks = [DataBlock("ctx", bytes(ir.CTX_SIZE)), DataBlock("trace", bytes(4 * trace_cap))]
        self.emu = Emulator(self.compiled.functions, data=blocks, helpers=libm_helpers(),
                            stack_size=stack_size)

    def __call__(self, name: str, *args: float | int, depth_limit: int = RECURSION_LIMIT):
        fn = self.module.function(name)
        ctx = self.emu.address("ctx")
        self.emu.write_memory(ctx, struct.pack("<iiiiiiQ", 0, 0, depth_limit, 0,
                                               self.trace_cap, 0, self.emu.address("trace")))
        self.emu.write_memory(self.emu.address("trace"), bytes(4 * self.trace_cap))
        kind = "f64" if fn.ret == F64 else "i64"
        value = self.emu.call(self.compiled.symbols[name], ctx, *args, result=kind,
                              max_instructions=20_000_000)
        self.status, self.depth, _, self.trace_len = struct.unpack(
            "<iiii", self.emu.read_memory(ctx, 16))
        count = min(self.trace_len, self.trace_cap)
        self.trace = list(struct.unpack(f"<{count}i",
                                        self.emu.read_memory(self.emu.address("trace"), 4 * count)))
        if fn.ret == BOOL:
            assert value in (0, 1), f"bool result {value} is not 0 or 1"
            return bool(value)
        return value


def module_of(*functions: ir.Function, sites: list[ir.FailSite] | None = None) -> ir.Module:
    for i, fn in enumerate(functions):
        fn.fn_id = i
    sites = sites or [ir.FailSite("ILO-R010", "recursion depth exceeded (limit 10000)", "f")]
    module = ir.Module(list(functions), list(sites))
    ir.check_module(module)
    return module


def f(i: int) -> Reg:
    return Reg(i, F64)


def b(i: int) -> Reg:
    return Reg(i, BOOL)


def single(name: str, params: list[Reg], ret: ir.IrType, instrs: list, result: Reg) -> ir.Function:
    return ir.Function(name, params, ret, [ir.Block("entry", instrs, ir.Return(result))])


# ---------------------------------------------------------------------------------------------
# The numeric corpus (arith, ctrl, and the errors cases whose functions are native)


def _corpus_programs() -> list[Path]:
    if not CORPUS.exists():
        return []
    return [p for p in sorted(CORPUS.glob("*.ilo"))
            if p.stem.split("-")[0] in ("arith", "ctrl", "errors")]


def test_numeric_corpus_matches_reference_outputs() -> None:
    programs = _corpus_programs()
    if not programs:
        pytest.skip("../shared/corpus not found")
    checked, failures = 0, []
    for path in programs:
        program, diagnostics = parse_source(SourceFile(str(path), path.read_text()))
        if diagnostics or verify(program):
            continue
        analysis = analyse(program)
        if not analysis.module.functions:
            continue
        native = Native(analysis.module, stack_size=4 << 20)
        for case in read_cases(path):
            name, args = case.args[0], case.args[1:]
            if not analysis.is_native(name):
                continue
            fn = analysis.module.function(name)
            if len(args) != len(fn.params) or any(p.ty != F64 for p in fn.params):
                continue
            value = native(name, *[float(a) for a in args])
            if native.status:
                got = ("err", analysis.module.sites[native.status - 1].code)
                want = (case.expect, json.loads(case.text)["code"] if case.expect == "err"
                        else case.text)
            else:
                assert native.depth == 0
                got, want = ("out", display(value)), (case.expect, case.text)
            checked += 1
            if got != want:
                failures.append(f"{case.id} {case.args}: got {got}, expected {want}")
    assert not failures, "\n".join(failures)
    assert checked >= 250  # arith and ctrl are all native: every one of their cases ran


# ---------------------------------------------------------------------------------------------
# IR semantics, bit for bit


def test_arithmetic_is_unfused_and_in_order() -> None:
    # p*q + p*q*r with every product rounded on its own (an FMA would differ for these inputs)
    fn = single("tot", [f(0), f(1), f(2)], F64, [
        ir.FBinary(f(3), "mul", f(0), f(1)), ir.FBinary(f(4), "mul", f(3), f(2)),
        ir.FBinary(f(5), "add", f(3), f(4)), ir.FBinary(f(6), "div", f(5), f(2)),
        ir.FBinary(f(7), "sub", f(6), f(0)), ir.FNeg(f(8), f(7))], f(8))
    native = Native(module_of(fn))
    for p, q, r in [(0.1, 0.7, 3.3), (1 + 2**-30, 1 - 2**-30, 1e-17), (10.0, 20.0, 30.0),
                    (-0.0, 5.0, 1.0)]:
        expected = -(((p * q + p * q * r) / r) - p)
        assert bits(native("tot", p, q, r)) == bits(expected)
    # NaN sign and payload are the hardware's (x86 and Arm default NaNs differ): only NaN-ness
    assert math.isnan(native("tot", INF, 1.0, 2.0))


@pytest.mark.parametrize("op", ["lt", "le", "gt", "ge", "eq", "ne"])
def test_float_compares_with_nan(op: str) -> None:
    fn = single("cmp", [f(0), f(1)], BOOL, [ir.FCompare(b(2), op, f(0), f(1))], b(2))
    native = Native(module_of(fn))
    python = {"lt": lambda x, y: x < y, "le": lambda x, y: x <= y, "gt": lambda x, y: x > y,
              "ge": lambda x, y: x >= y, "eq": lambda x, y: x == y, "ne": lambda x, y: x != y}
    for x, y in [(1.0, 2.0), (2.0, 1.0), (1.0, 1.0), (NAN, 1.0), (1.0, NAN), (NAN, NAN),
                 (0.0, -0.0), (-INF, INF)]:
        assert native("cmp", x, y) is python[op](x, y), (op, x, y)


@pytest.mark.parametrize("name", ["min", "max"])
def test_min_max_follow_ilo_rules(name: str) -> None:
    fn = single(name, [f(0), f(1)], F64, [ir.CallIntrinsic(f(2), name, (f(0), f(1)))], f(2))
    native = Native(module_of(fn))
    reference = ir.ilo_min if name == "min" else ir.ilo_max
    values = [1.0, -2.5, 0.0, -0.0, NAN, INF, -INF]
    for x in values:
        for y in values:
            got, want = native(name, x, y), reference(x, y)
            assert bits(got) == bits(want) or (math.isnan(got) and math.isnan(want)), (x, y)


def round_half_away(x: float) -> float:
    if math.isnan(x) or math.isinf(x):
        return x
    whole = math.floor(abs(x))
    return math.copysign(whole + (1.0 if abs(x) - whole >= 0.5 else 0.0), x)


INLINE = {"sqrt": math.sqrt, "fabs": abs, "floor": math.floor, "ceil": math.ceil,
          "trunc": math.trunc, "round": round_half_away}


@pytest.mark.parametrize("name", sorted(INLINE))
def test_inline_intrinsics(name: str) -> None:
    fn = single(name, [f(0)], F64, [ir.CallIntrinsic(f(1), name, (f(0),))], f(1))
    native = Native(module_of(fn))
    for x in (2.5, -2.5, 0.5, -0.5, 3.7, 0.49999999999999994, 1e300, 4.0):
        if name == "sqrt" and x < 0:
            assert math.isnan(native(name, x))
            continue
        assert native(name, x) == float(INLINE[name](x)), (name, x)
    assert bits(native(name, -0.0)) == bits(0.0 if name == "fabs" else -0.0)
    assert math.isnan(native(name, NAN))
    assert native(name, INF) == INF
    assert native("fabs" if name == "fabs" else name, -0.0) == 0.0
    assert not native.emu.calls  # inline: no library call


def test_library_intrinsics_keep_argument_order() -> None:
    fns = [single(n, [f(0), f(1)], F64, [ir.CallIntrinsic(f(2), n, (f(0), f(1)))], f(2))
           for n in ("fmod", "pow", "atan2")]
    fns.append(single("sin", [f(0)], F64, [ir.CallIntrinsic(f(1), "sin", (f(0),))], f(1)))
    native = Native(module_of(*fns))
    assert native("fmod", 7.5, 2.0) == math.fmod(7.5, 2.0)
    assert native("pow", 2.0, 10.0) == 1024.0
    assert native("atan2", 1.0, -1.0) == math.atan2(1.0, -1.0)
    assert native("sin", 0.5) == math.sin(0.5)
    assert native.compiled.externals == ["atan2", "fmod", "pow", "sin"]


def test_conversions_select_and_bools() -> None:
    i = Reg(10, I64)
    conv = single("conv", [f(0)], F64, [ir.FToI(i, f(0)), ir.IToF(f(1), i)], f(1))
    sel = single("sel", [b(0), f(1), f(2)], F64, [ir.Select(f(3), b(0), f(1), f(2))], f(3))
    bsel = single("bsel", [b(0), b(1), b(2)], BOOL,
                  [ir.Select(b(3), b(0), b(1), b(2)), ir.BNot(b(4), b(3))], b(4))
    native = Native(module_of(conv, sel, bsel))
    assert native("conv", -2.9) == -2.0
    assert native("conv", NAN) == 0.0
    assert native("conv", 1e300) == float(2**63 - 1)
    assert native("conv", -INF) == float(-(2**63))
    # BOOL arguments are int32: the upper half of the register is garbage and must be ignored.
    assert native("sel", 1, 1.5, 2.5) == 1.5
    assert native("sel", 0xDEAD_BEEF_0000_0000, 1.5, 2.5) == 2.5
    assert native("sel", 0xFFFF_FFFF_0000_0001, 1.5, 2.5) == 1.5
    assert native("bsel", 1, 0, 1) is True
    assert native("bsel", 0, 0, 1) is False


def test_integer_counted_loop() -> None:
    """sum of i*0.5 for i in lo..hi-1, with an I64 counter (the `@i a..b` shape)."""
    i, hi, one = Reg(3, I64), Reg(4, I64), Reg(5, I64)
    blocks = [
        ir.Block("entry", [ir.FToI(i, f(0)), ir.FToI(hi, f(1)), ir.Const(one, 1),
                           ir.Const(f(2), 0.0), ir.Const(f(6), 0.5)], ir.Jump("head")),
        ir.Block("head", [ir.ICompare(b(7), "lt", i, hi)], ir.Branch(b(7), "body", "done")),
        ir.Block("body", [ir.IToF(f(8), i), ir.FBinary(f(8), "mul", f(8), f(6)),
                          ir.FBinary(f(2), "add", f(2), f(8)), ir.IBinary(i, "add", i, one)],
                 ir.Jump("head")),
        ir.Block("done", [], ir.Return(f(2))),
    ]
    native = Native(module_of(ir.Function("tri", [f(0), f(1)], F64, blocks)))
    assert native("tri", 0.0, 100.0) == sum(k * 0.5 for k in range(100))
    assert native("tri", 5.9, 3.0) == 0.0
    assert native("tri", -3.0, 2.0) == -2.5


def _pressure_function(width: int, with_call: bool) -> tuple[ir.Function, ir.Function]:
    """`width` values live at once (more than the registers), optionally across a call."""
    instrs: list = [ir.Const(f(1), 1.0)]
    for k in range(width):
        instrs.append(ir.FBinary(f(10 + k), "add", f(0), f(1)))
        instrs.append(ir.FBinary(f(1), "mul", f(1), f(0)))
    if with_call:
        instrs.append(ir.CallFunction(f(2), "twice", (f(0),), 0))
        instrs.append(ir.CallIntrinsic(f(3), "sin", (f(2),)))
    acc = f(10 + width)
    instrs.append(ir.Const(acc, 0.0))
    for k in range(width):
        instrs.append(ir.FBinary(acc, "add", acc, f(10 + k)))
        instrs.append(ir.FBinary(acc, "mul", acc, f(0)))
    if with_call:
        instrs.append(ir.FBinary(acc, "add", acc, f(3)))
    twice = single("twice", [f(0)], F64, [ir.FBinary(f(1), "add", f(0), f(0))], f(1))
    return single("wide", [f(0)], F64, instrs, acc), twice


def _pressure_reference(x: float, width: int, with_call: bool) -> float:
    values, one = [], 1.0
    for _ in range(width):
        values.append(x + one)
        one = one * x
    extra = math.sin(x + x) if with_call else None
    acc = 0.0
    for v in values:
        acc = (acc + v) * x
    return acc + extra if with_call else acc


@pytest.mark.parametrize("with_call", [False, True])
def test_register_pressure_spills_correctly(with_call: bool) -> None:
    wide, twice = _pressure_function(48, with_call)
    allocation = allocate(wide)
    assert allocation.slots > 0  # more live values than FP registers
    if with_call:
        for iv in build_intervals(wide):
            loc = allocation.locations[iv.reg.id]
            if iv.crosses_call:  # caller-saved registers would be clobbered by the call
                assert loc.kind == "slot" or loc.index in FP_CALLEE_SAVED
    native = Native(module_of(wide, twice))
    for x in (0.5, 1.0001, -0.75):
        assert bits(native("wide", x)) == bits(_pressure_reference(x, 48, with_call))


def test_large_frames_take_two_stack_adjustments() -> None:
    wide, twice = _pressure_function(600, False)
    assert allocate(wide).slots * 8 > 4096
    native = Native(module_of(wide, twice))
    assert bits(native("wide", 0.999)) == bits(_pressure_reference(0.999, 600, False))
    assert native.emu.sp() == native.emu.call_sp


def fib_module() -> ir.Module:
    n, two, c, one, a, r = f(0), f(1), b(2), f(3), f(4), f(5)
    fib = ir.Function("fib", [n], F64, [
        ir.Block("entry", [ir.Const(two, 2.0), ir.FCompare(c, "lt", n, two)],
                 ir.Branch(c, "base", "rec")),
        ir.Block("base", [], ir.Return(n)),
        ir.Block("rec", [ir.Const(one, 1.0), ir.FBinary(a, "sub", n, one),
                         ir.CallFunction(a, "fib", (a,), 0), ir.FBinary(r, "sub", n, two),
                         ir.CallFunction(r, "fib", (r,), 0), ir.FBinary(r, "add", a, r)],
                 ir.Return(r)),
    ])
    # down(n) = n <= 0 ? 0 : down(n - 1) + 1: recursion exactly n deep.
    m, zero, le, one2, k = f(0), f(1), b(2), f(3), f(4)
    down = ir.Function("down", [m], F64, [
        ir.Block("entry", [ir.Const(zero, 0.0), ir.FCompare(le, "le", m, zero)],
                 ir.Branch(le, "stop", "go")),
        ir.Block("stop", [], ir.Return(zero)),
        ir.Block("go", [ir.Const(one2, 1.0), ir.FBinary(k, "sub", m, one2),
                        ir.CallFunction(k, "down", (k,), 0), ir.FBinary(k, "add", k, one2)],
                 ir.Return(k)),
    ])
    # outer(x) = 2 * down(x): a second function in the failing call chain.
    x, o = f(0), f(1)
    outer = single("outer", [x], F64, [ir.CallFunction(o, "down", (x,), 0),
                                       ir.FBinary(o, "add", o, o)], o)
    return module_of(fib, down, outer)


def test_recursion_and_depth_bookkeeping() -> None:
    native = Native(fib_module())
    assert native("fib", 20.0) == 6765.0
    assert (native.status, native.depth, native.trace_len) == (0, 0, 0)


def test_recursion_limit_raises_through_the_status_word() -> None:
    native = Native(fib_module(), trace_cap=4)
    # outer(x) runs x + 2 frames: outer, then down(x) .. down(0)
    assert native("outer", 5.0, depth_limit=10) == 10.0
    assert native("outer", 8.0, depth_limit=10) == 16.0  # depth exactly 10: fine
    assert native.status == 0
    native("outer", 9.0, depth_limit=10)
    assert native.status == 1  # site 0 + 1
    assert native.trace_len == 10  # every frame counted: down(1) .. down(9), then outer
    assert native.trace == [1, 1, 1, 1]  # innermost first, capped at trace_cap


def test_ten_thousand_nested_calls_work_and_one_more_fails() -> None:
    native = Native(fib_module(), stack_size=8 << 20)
    assert native("down", float(RECURSION_LIMIT - 1)) == RECURSION_LIMIT - 1
    assert native.status == 0 and native.depth == 0
    native("down", float(RECURSION_LIMIT))
    assert native.status == 1 and native.trace_len == RECURSION_LIMIT


def test_fail_terminator_sets_status_and_trace() -> None:
    # safe_div(a, b) = b == 0 ? fail(site 1) : a / b, called from wrap
    a, d, zero, isz, q = f(0), f(1), f(2), b(3), f(4)
    div = ir.Function("safe-div", [a, d], F64, [
        ir.Block("entry", [ir.Const(zero, 0.0), ir.FCompare(isz, "eq", d, zero)],
                 ir.Branch(isz, "bad", "ok")),
        ir.Block("bad", [], ir.Fail(1)),
        ir.Block("ok", [ir.FBinary(q, "div", a, d)], ir.Return(q)),
    ])
    wrap = single("wrap", [f(0)], F64, [ir.Const(f(1), 0.0),
                                        ir.CallFunction(f(2), "safe-div", (f(0), f(1)), 0)],
                  f(2))
    sites = [ir.FailSite("ILO-R010", "recursion depth exceeded (limit 10000)", "wrap"),
             ir.FailSite("ILO-R003", "division by zero", "safe-div")]
    native = Native(module_of(div, wrap, sites=sites))
    assert native.compiled.symbols["safe-div"] == "ilo_safe_div"
    assert native("safe-div", 1.0, 4.0) == 0.25 and native.status == 0
    native("safe-div", 1.0, -0.0)
    assert (native.status, native.trace) == (2, [0])
    native("wrap", 3.0)
    assert (native.status, native.trace_len, native.trace) == (2, 2, [0, 1])


def test_listing_shows_instructions_and_relocations() -> None:
    text = listing(compile_module(fib_module()).functions[0])
    assert text.startswith("ilo_fib:")
    assert "fcmp d" in text and "CALL26 ilo_fib" in text and "ret" in text
    assert "fmadd" not in text


def test_unsupported_shapes_raise_codegen_error() -> None:
    params = [f(i) for i in range(9)]
    many = single("many", params, F64, [], f(0))
    with pytest.raises(CodegenError, match="more than 8 number parameters"):
        compile_module(module_of(many))
    bad = ir.Function("bad", [], F64, [ir.Block("entry", [], None)])
    with pytest.raises(CodegenError, match="invalid IR"):
        compile_module(ir.Module([bad], []))


# ---------------------------------------------------------------------------------------------
# The real thing: an object file linked by the cross toolchain, run under qemu-user

DRIVER = r"""
#include <stdio.h>
#include <stdint.h>
#include <string.h>
typedef struct { int32_t status, depth, depth_limit, trace_len, trace_cap, reserved;
                 int32_t *trace; } IloCtx;
double ilo_fib(IloCtx *, double);
double ilo_outer(IloCtx *, double);
int main(void) {
    int32_t trace[4];
    IloCtx ctx = {0, 0, 10000, 0, 4, 0, trace};
    double r = ilo_fib(&ctx, 24.0);
    printf("fib %.17g %d %d\n", r, ctx.status, ctx.depth);
    memset(&ctx, 0, sizeof ctx); ctx.depth_limit = 10; ctx.trace_cap = 4; ctx.trace = trace;
    ilo_outer(&ctx, 50.0);
    printf("outer %d %d %d\n", ctx.status, ctx.trace_len, trace[0]);
    return 0;
}
"""


def test_generated_object_links_and_runs_under_qemu(tmp_path: Path) -> None:
    gcc, qemu = shutil.which("aarch64-linux-gnu-gcc"), shutil.which("qemu-aarch64")
    if gcc is None or qemu is None:
        pytest.skip("aarch64-linux-gnu-gcc or qemu-aarch64 not installed; "
                    "run wheels/install-cross-tools.sh")
    libc = subprocess.run([gcc, "-print-file-name=libc.so.6"], capture_output=True,
                          text=True).stdout.strip()
    sysroot = str(Path(libc).resolve().parent.parent)
    obj = tmp_path / "fib.o"
    write_module_object(fib_module(), obj)
    (tmp_path / "driver.c").write_text(DRIVER)
    exe = tmp_path / "prog"
    subprocess.run([gcc, "-O1", "-o", str(exe), str(tmp_path / "driver.c"), str(obj), "-lm"],
                   check=True, capture_output=True, text=True)
    run = subprocess.run([qemu, "-L", sysroot, str(exe)], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:2] == ["fib 46368 0 0", "outer 1 10 1"]
