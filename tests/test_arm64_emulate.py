"""Hand-assembled AArch64 functions run in the unicorn harness, checked bit for bit."""

from __future__ import annotations

import math
import random
import struct

import pytest

pytest.importorskip("unicorn")

from ilo_aot.backends.arm64 import encoder as e  # noqa: E402
from ilo_aot.backends.arm64.asm import Assembler  # noqa: E402
from ilo_aot.backends.arm64.emulate import (  # noqa: E402
    EmulationError,
    EmulationTrap,
    Emulator,
    ExternalHelper,
    libm_helpers,
    run_function,
)
from ilo_aot.backends.arm64.encoder import SP, XZR, Cond  # noqa: E402
from ilo_aot.backends.arm64.link import (  # noqa: E402
    DataBlock,
    FunctionCode,
    LinkError,
    Relocation,
    RelocKind,
    link_image,
)


def bits(value: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", value))[0]


def same(a: float, b: float) -> bool:
    """Bit-identical doubles (so -0.0 != 0.0, and NaN payloads count)."""
    return bits(a) == bits(b)


def function(name: str, *words: int) -> FunctionCode:
    asm = Assembler()
    asm.emit(*words)
    return asm.finish(name)


def tot_function() -> FunctionCode:
    """double tot(double p, double q, double r) { return p*q + p*q*r; } without fma."""
    return function("tot", e.fmul(3, 0, 1), e.fmul(4, 3, 2), e.fadd(0, 3, 4), e.ret())


def test_straight_line_arithmetic_bit_exact() -> None:
    emu = Emulator([tot_function()])
    assert emu.call("tot", 10.0, 20.0, 30.0) == 6200.0
    rng = random.Random(1)
    for _ in range(200):
        p, q, r = (rng.uniform(-1e3, 1e3) for _ in range(3))
        assert same(emu.call("tot", p, q, r), p * q + p * q * r)
    assert math.isnan(emu.call("tot", math.inf, 0.0, 1.0))
    assert same(emu.call("tot", -0.0, 1.0, 0.0), -0.0)


def round_half_away(x: float) -> float:
    """Round to nearest, ties away from zero (exact: the fraction is computed exactly)."""
    whole = math.floor(abs(x))
    return math.copysign(whole + (1.0 if abs(x) - whole >= 0.5 else 0.0), x)


UNARY = [
    (e.fneg, lambda x: -x),
    (e.fabs, abs),
    (e.fsqrt, math.sqrt),
    (e.frintm, math.floor),
    (e.frintp, math.ceil),
    (e.frintz, math.trunc),
    (e.frintn, round),  # Python rounds half to even, like frintn
    (e.frinta, lambda x: round_half_away(x)),
]


@pytest.mark.parametrize(("insn", "reference"), UNARY, ids=[u[0].__name__ for u in UNARY])
def test_unary_fp_semantics(insn, reference) -> None:
    emu = Emulator([function("f", insn(0, 0), e.ret())])
    for x in (2.5, -2.5, 3.5, 0.49999999999999994, 1e300, 7.0, 0.0):
        if insn is e.fsqrt and x < 0:
            continue
        assert emu.call("f", x) == float(reference(x)), (insn.__name__, x)
    assert same(emu.call("f", -0.0), -0.0 if insn not in (e.fneg, e.fabs) else 0.0)
    assert math.isnan(emu.call("f", math.nan))


def test_min_max_nan_rules() -> None:
    nan = math.nan
    emu = Emulator([function("fmin", e.fmin(0, 0, 1), e.ret()),
                    function("fminnm", e.fminnm(0, 0, 1), e.ret()),
                    function("fmax", e.fmax(0, 0, 1), e.ret()),
                    function("fmaxnm", e.fmaxnm(0, 0, 1), e.ret())])
    assert emu.call("fmin", 1.0, 2.0) == 1.0
    assert emu.call("fmax", 1.0, 2.0) == 2.0
    assert math.isnan(emu.call("fmin", nan, 2.0))
    assert math.isnan(emu.call("fmax", 1.0, nan))
    assert emu.call("fminnm", nan, 2.0) == 2.0
    assert emu.call("fmaxnm", 1.0, nan) == 1.0
    assert same(emu.call("fmin", 0.0, -0.0), -0.0)
    assert same(emu.call("fmax", -0.0, 0.0), 0.0)


def test_compare_select_and_conversions() -> None:
    # x0 = (d0 < d1); d0 = d0 < d1 ? d0 : d1; x1 = trunc(d0); x2 = floor(d0)
    emu = Emulator([function("sel", e.fcmp(0, 1), e.cset(0, Cond.MI),
                             e.fcsel(0, 0, 1, Cond.MI), e.ret()),
                    function("cvt", e.fcvtzs(0, 0), e.ret()),
                    function("cvtm", e.fcvtms(0, 0), e.ret()),
                    function("itof", e.scvtf(0, 0), e.ret()),
                    function("iszero", e.fcmp_zero(0), e.cset(0, Cond.EQ), e.ret())])
    assert emu.call("sel", 1.0, 2.0) == 1.0 and emu.x(0) == 1
    assert emu.call("sel", 3.0, 2.0) == 2.0 and emu.x(0) == 0
    assert emu.call("sel", math.nan, 2.0) == 2.0 and emu.x(0) == 0  # unordered is not "less"
    assert emu.call("cvt", -2.7, result="i64") == -2
    assert emu.call("cvtm", -2.2, result="i64") == -3
    assert emu.call("cvt", math.nan, result="i64") == 0
    assert emu.call("cvt", 1e300, result="i64") == (1 << 63) - 1
    assert emu.call("itof", -(1 << 62)) == float(-(1 << 62))
    assert emu.call("iszero", -0.0, result="i64") == 1
    assert emu.call("iszero", 1e-300, result="i64") == 0


def test_mov_imm64_materialises_any_constant() -> None:
    rng = random.Random(7)
    values = [0, 1, -1, 1 << 63, (1 << 64) - 1, 0xFFFF, 0xFFFF_0000_0000_0000,
              0x1234_5678_9ABC_DEF0, -0x10001, 0x5555_5555_5555_5555, bits(0.1), bits(-math.pi)]
    values += [rng.getrandbits(64) for _ in range(60)]
    values += [rng.getrandbits(16) << rng.choice((0, 16, 32, 48)) for _ in range(20)]
    funcs = [function(f"k{i}", *e.mov_imm64(7, v), e.mov_reg(0, 7), e.ret())
             for i, v in enumerate(values)]
    emu = Emulator(funcs)
    for i, value in enumerate(values):
        assert emu.call(f"k{i}", result="i64") & ((1 << 64) - 1) == value & ((1 << 64) - 1)
        assert len(e.mov_imm64(7, value)) <= 4


def harmonic_function() -> FunctionCode:
    """double harmonic(long n) { double s = 0; for (long i = 1; i <= n; i++) s += 1.0 / i; }"""
    asm = Assembler()
    loop, done = asm.label("loop"), asm.label("done")
    asm.emit(e.fmov_from_gpr(0, XZR), e.movz(1, 1))  # s = 0.0, i = 1
    asm.ldr_d_const(3, 1.0)
    asm.bind(loop)
    asm.emit(e.cmp_reg(1, 0))
    asm.b_cond(Cond.GT, done)  # forward branch, patched by finish()
    asm.emit(e.scvtf(1, 1), e.fdiv(2, 3, 1), e.fadd(0, 0, 2), e.add_imm(1, 1, 1))
    asm.b(loop)
    asm.bind(done)
    asm.emit(e.ret())
    return asm.finish("harmonic")


def test_counted_loop_with_conditional_branch() -> None:
    emu = Emulator([harmonic_function()])
    for n in (0, 1, 2, 10, 1000):
        expected = 0.0
        for i in range(1, n + 1):
            expected += 1.0 / i
        assert same(emu.call("harmonic", n), expected)


def test_float_controlled_loop_and_constant_pool() -> None:
    """Count how often x = x * 1.1 + 0.1 runs until x >= limit (x starts at d0)."""
    asm = Assembler()
    top, out = asm.label(), asm.label()
    asm.emit(e.movz(0, 0))
    asm.ldr_d_const(2, 1.1)
    asm.ldr_d_const(3, 0.1)
    asm.bind(top)
    asm.emit(e.fcmp(0, 1))
    asm.b_cond(Cond.GE, out)
    asm.emit(e.fmul(0, 0, 2), e.fadd(0, 0, 3), e.add_imm(0, 0, 1))
    asm.b(top)
    asm.bind(out)
    asm.emit(e.ret())
    emu = Emulator([asm.finish("grow")])
    x, count = 1.0, 0
    while not x >= 1e6:
        x = x * 1.1 + 0.1
        count += 1
    assert emu.call("grow", 1.0, 1e6, result="i64") == count
    assert emu.d(0) == x


def fib_function() -> FunctionCode:
    """double fib(double n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); } keeping n in d8."""
    asm = Assembler()
    base = asm.label("base")
    asm.emit(e.stp_x_pre(29, 30, SP, -32), e.mov_reg(29, SP), e.stp_d(8, 9, SP, 16))
    asm.ldr_d_const(1, 2.0)
    asm.emit(e.fcmp(0, 1))
    asm.b_cond(Cond.MI, base)
    asm.emit(e.fmov(8, 0))
    asm.ldr_d_const(1, 1.0)
    asm.emit(e.fsub(0, 8, 1))
    asm.bl_symbol("fib")
    asm.emit(e.fmov(9, 0))
    asm.ldr_d_const(1, 2.0)
    asm.emit(e.fsub(0, 8, 1))
    asm.bl_symbol("fib")
    asm.emit(e.fadd(0, 9, 0))
    asm.bind(base)
    asm.emit(e.ldp_d(8, 9, SP, 16), e.ldp_x_post(29, 30, SP, 32), e.ret())
    return asm.finish("fib")


def test_recursion_through_bl_with_stack_frames() -> None:
    emu = Emulator([fib_function()])
    emu.set_d(8, 123.5)
    emu.set_d(9, -7.25)
    assert emu.call("fib", 20.0) == 6765.0
    assert emu.sp() == emu.call_sp  # the stack is balanced
    assert emu.d(8) == 123.5 and emu.d(9) == -7.25  # callee-saved registers restored
    assert emu.call("fib", 1.0) == 1.0


def test_calls_to_external_helpers() -> None:
    asm = Assembler()
    asm.emit(e.stp_x_pre(29, 30, SP, -16), e.mov_reg(29, SP))
    asm.bl_symbol("fmod")  # d0 = fmod(d0, d1)
    asm.ldr_d_const(1, 3.0)
    asm.bl_symbol("pow")  # d0 = pow(d0, 3)
    asm.emit(e.movz(0, 5), e.movz(1, 7))
    asm.bl_symbol("scale")  # d0 = scale(d0, 5, 7)
    asm.emit(e.ldp_x_post(29, 30, SP, 16), e.ret())
    helpers = libm_helpers()
    helpers["scale"] = ExternalHelper(lambda d, a, b: d * a + b, ("f64", "i64", "i64"))
    emu = Emulator([asm.finish("calc")], helpers=helpers)
    expected = math.pow(math.fmod(7.5, 2.0), 3.0) * 5 + 7
    assert emu.call("calc", 7.5, 2.0) == expected
    assert [c.name for c in emu.calls] == ["fmod", "pow", "scale"]
    assert emu.calls[2].args == (1.5**3, 5, 7)
    assert math.isnan(emu.call("calc", 1.0, 0.0))  # C fmod semantics, not a Python exception


def test_helper_exceptions_propagate() -> None:
    def boom(x: float) -> float:
        raise ZeroDivisionError("helper failed")

    asm = Assembler()
    asm.emit(e.stp_x_pre(29, 30, SP, -16))
    asm.bl_symbol("boom")
    asm.emit(e.ldp_x_post(29, 30, SP, 16), e.ret())
    emu = Emulator([asm.finish("f")], helpers={"boom": ExternalHelper(boom)})
    with pytest.raises(ZeroDivisionError, match="helper failed"):
        emu.call("f", 1.0)


def test_stack_arguments_beyond_eight() -> None:
    # sum of ten doubles: d0..d7 in registers, the last two on the stack at [sp] and [sp, #8]
    words = [e.fadd(0, 0, i) for i in range(1, 8)]
    words += [e.ldr_d(16, SP, 0), e.fadd(0, 0, 16), e.ldr_d(16, SP, 8), e.fadd(0, 0, 16),
              e.ret()]
    args = [float(i) * 1.5 for i in range(10)]
    assert run_function(function("sum10", *words), *args) == sum(args)


def test_brk_traps_with_its_immediate() -> None:
    code = function("trap", e.brk(0x42), e.ret())
    with pytest.raises(EmulationTrap) as info:
        run_function(code, 1.0)
    assert info.value.imm == 0x42


def test_faults_and_runaways_are_clear_errors() -> None:
    emu = Emulator([function("spin", e.b(0)), function("wild", e.ldr_x(0, 0, 0), e.ret())])
    with pytest.raises(EmulationError, match="did not return within 1000 instructions"):
        emu.call("spin", max_instructions=1000)
    with pytest.raises(EmulationError, match=r"wild: .* at pc=0x[0-9a-f]+ \(wild\+0x0\)"):
        emu.call("wild", 0)
    with pytest.raises(EmulationError, match="no function or data named 'nope'"):
        emu.call("nope")
    with pytest.raises(EmulationError, match="neither float nor int"):
        emu.call("spin", "1")


def test_unbounded_recursion_faults_on_the_stack_limit() -> None:
    asm = Assembler()
    asm.emit(e.stp_x_pre(29, 30, SP, -16))
    asm.bl_symbol("down")
    asm.emit(e.ldp_x_post(29, 30, SP, 16), e.ret())
    emu = Emulator([asm.finish("down")], stack_size=64 * 1024)
    with pytest.raises(EmulationError, match="UNMAPPED"):
        emu.call("down")


def test_link_resolves_data_relocations() -> None:
    table = DataBlock("table", struct.pack("<3d", 1.25, 2.5, 4.0), align=16,
                      relocations=[])
    pointers = DataBlock("pointers", bytes(8), relocations=[
        Relocation(0, RelocKind.ABS64, "table", 16)])
    asm = Assembler()
    asm.adrp_add_symbol(1, "table")  # x1 = &table
    asm.emit(e.ldr_d(0, 1, 8))  # table[1]
    asm.relocations.append(Relocation(asm.offset, RelocKind.ADR_PREL_PG_HI21, "pointers"))
    asm.emit(e.adrp(2, 0))
    asm.relocations.append(Relocation(asm.offset, RelocKind.LDST64_ABS_LO12_NC, "pointers"))
    asm.emit(e.ldr_x(2, 2, 0))  # x2 = pointers[0] = &table[2]
    asm.emit(e.ldr_d(1, 2, 0), e.fadd(0, 0, 1), e.ret())
    emu = Emulator([asm.finish("get")], data=[table, pointers])
    assert emu.call("get") == 6.5
    assert emu.address("table") % 16 == 0


def test_link_errors() -> None:
    call = FunctionCode("f", e.words_to_bytes([e.bl(0), e.ret()]),
                        [Relocation(0, RelocKind.CALL26, "missing")])
    with pytest.raises(LinkError, match="undefined symbol 'missing'"):
        link_image([call])
    far = FunctionCode("g", e.words_to_bytes([e.adr(0, 0), e.ret()]),
                       [Relocation(0, RelocKind.ADR_PREL_LO21, "x")])
    with pytest.raises(LinkError, match=r"g\+0x0 -> x: .*out of range"):
        link_image([far], externals={"x": 1 << 40})
    with pytest.raises(ValueError, match="defined twice"):
        link_image([function("a", e.ret()), function("a", e.ret())])
    with pytest.raises(ValueError, match="outside its 4 bytes"):
        link_image([FunctionCode("h", e.words_to_bytes([e.ret()]),
                                 [Relocation(4, RelocKind.CALL26, "h")])])
    with pytest.raises(ValueError, match="not a multiple of 4"):
        link_image([FunctionCode("odd", b"\0\0")])


def test_assembler_label_errors() -> None:
    asm = Assembler()
    lab = asm.label("x")
    asm.b(lab)
    with pytest.raises(ValueError, match="label x is used but never bound"):
        asm.finish("f")
    asm = Assembler()
    lab = asm.label("y")
    asm.bind(lab)
    with pytest.raises(ValueError, match="bound twice"):
        asm.bind(lab)


def test_constant_pool_deduplicates_and_aligns() -> None:
    asm = Assembler()
    asm.ldr_d_const(0, 0.1)
    asm.ldr_d_const(1, 0.1)
    asm.ldr_d_const(2, 0.0)  # fmov from xzr, no pool entry
    asm.ldr_d_const(3, 0.5)  # fmov immediate, no pool entry
    asm.emit(e.fadd(0, 0, 1), e.fadd(0, 0, 2), e.fadd(0, 0, 3), e.ret())
    code = asm.finish("k")
    assert len(code.code) == 4 * 8 + 8  # 7 instructions + 1 alignment nop + one constant
    assert code.code[-8:] == struct.pack("<d", 0.1)
    assert run_function(code) == 0.1 + 0.1 + 0.0 + 0.5
