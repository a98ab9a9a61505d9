"""The AArch64 encoder against capstone's disassembly, operand limits and error messages."""

from __future__ import annotations

import random
import struct

import pytest

from ilo_aot.backends.arm64 import encoder as e
from ilo_aot.backends.arm64.encoder import SP, XZR, Cond

capstone = pytest.importorskip("capstone")

PC = 0x40_0000  # address the pc-relative cases are disassembled at
_MD = capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM)


def disasm(word: int, address: int = PC) -> str:
    insns = list(_MD.disasm(struct.pack("<I", word), address))
    assert len(insns) == 1, f"{word:#010x} does not disassemble"
    return f"{insns[0].mnemonic} {insns[0].op_str}".strip()


CASES = [
    # FP arithmetic, with register extremes
    (e.fadd(0, 1, 31), "fadd d0, d1, d31"),
    (e.fadd(31, 31, 0), "fadd d31, d31, d0"),
    (e.fsub(2, 3, 4), "fsub d2, d3, d4"),
    (e.fmul(31, 0, 31), "fmul d31, d0, d31"),
    (e.fdiv(0, 31, 1), "fdiv d0, d31, d1"),
    (e.fmin(5, 6, 7), "fmin d5, d6, d7"),
    (e.fmax(5, 6, 7), "fmax d5, d6, d7"),
    (e.fminnm(0, 1, 2), "fminnm d0, d1, d2"),
    (e.fmaxnm(31, 30, 29), "fmaxnm d31, d30, d29"),
    (e.fneg(0, 31), "fneg d0, d31"),
    (e.fabs(31, 0), "fabs d31, d0"),
    (e.fsqrt(8, 15), "fsqrt d8, d15"),
    (e.frintm(0, 1), "frintm d0, d1"),
    (e.frintp(2, 3), "frintp d2, d3"),
    (e.frintn(4, 5), "frintn d4, d5"),
    (e.frinta(31, 31), "frinta d31, d31"),
    (e.frintz(0, 0), "frintz d0, d0"),
    (e.fcmp(0, 31), "fcmp d0, d31"),
    (e.fcmp(31, 0), "fcmp d31, d0"),
    (e.fcmp_zero(0), "fcmp d0, #0.0"),
    (e.fcmp_zero(31), "fcmp d31, #0.0"),
    (e.fcsel(0, 1, 2, Cond.LT), "fcsel d0, d1, d2, lt"),
    (e.fcsel(31, 30, 29, Cond.VS), "fcsel d31, d30, d29, vs"),
    (e.fmov(0, 31), "fmov d0, d31"),
    (e.fmov_to_gpr(0, 31), "fmov x0, d31"),
    (e.fmov_to_gpr(30, 0), "fmov x30, d0"),
    (e.fmov_from_gpr(31, XZR), "fmov d31, xzr"),
    (e.fmov_from_gpr(0, 30), "fmov d0, x30"),
    (e.fmov_imm(0, 1.0), "fmov d0, #1.00000000"),
    (e.fmov_imm(31, -0.125), "fmov d31, #-0.12500000"),
    (e.fmov_imm(1, 31.0), "fmov d1, #31.00000000"),
    (e.scvtf(0, 30), "scvtf d0, x30"),
    (e.scvtf(31, XZR), "scvtf d31, xzr"),
    (e.fcvtzs(0, 31), "fcvtzs x0, d31"),
    (e.fcvtzs(30, 0), "fcvtzs x30, d0"),
    (e.fcvtms(1, 2), "fcvtms x1, d2"),
    # integer add/sub/compare
    (e.add_imm(0, 1, 0), "add x0, x1, #0"),
    (e.add_imm(SP, SP, 4095), "add sp, sp, #0xfff"),
    (e.add_imm(30, SP, 4096), "add x30, sp, #1, lsl #12"),
    (e.sub_imm(SP, SP, 0xFFF000), "sub sp, sp, #0xfff, lsl #12"),
    (e.sub_imm(0, 30, 16), "sub x0, x30, #0x10"),
    (e.adds_imm(XZR, 1, 1), "cmn x1, #1"),
    (e.subs_imm(0, SP, 7), "subs x0, sp, #7"),
    (e.cmp_imm(0, 0), "cmp x0, #0"),
    (e.cmp_imm(SP, 4095), "cmp sp, #0xfff"),
    (e.cmn_imm(30, 2), "cmn x30, #2"),
    (e.add_reg(0, 1, 2), "add x0, x1, x2"),
    (e.add_reg(30, XZR, 30), "add x30, xzr, x30"),
    (e.add_reg(SP, SP, 0), "add sp, sp, x0"),
    (e.sub_reg(0, 1, XZR), "sub x0, x1, xzr"),
    (e.sub_reg(SP, 1, 2), "sub sp, x1, x2"),
    (e.adds_reg(0, 1, 2), "adds x0, x1, x2"),
    (e.subs_reg(0, SP, 3), "subs x0, sp, x3"),
    (e.cmp_reg(1, 2), "cmp x1, x2"),
    (e.cmp_reg(SP, 30), "cmp sp, x30"),
    (e.neg(0, 30), "neg x0, x30"),
    (e.csel(0, 1, 2, Cond.EQ), "csel x0, x1, x2, eq"),
    (e.csel(30, XZR, 29, Cond.HS), "csel x30, xzr, x29, hs"),
    (e.csinc(0, 1, 2, Cond.GT), "csinc x0, x1, x2, gt"),
    (e.cset(0, Cond.EQ), "cset x0, eq"),
    (e.cset(30, Cond.LE), "cset x30, le"),
    (e.cset(5, Cond.MI), "cset x5, mi"),
    (e.mul(0, 1, 2), "mul x0, x1, x2"),
    (e.mul(30, 29, XZR), "mul x30, x29, xzr"),
    (e.madd(0, 1, 2, 3), "madd x0, x1, x2, x3"),
    (e.msub(0, 1, 2, 3), "msub x0, x1, x2, x3"),
    (e.sdiv(0, 1, 2), "sdiv x0, x1, x2"),
    (e.sdiv(30, 30, 30), "sdiv x30, x30, x30"),
    (e.udiv(0, 1, 2), "udiv x0, x1, x2"),
    # moves
    (e.movz(0, 0), "mov x0, #0"),
    (e.movz(30, 0xFFFF, 48), "mov x30, #-0x1000000000000"),
    (e.movz(1, 0x1234, 16), "mov x1, #0x12340000"),
    (e.movn(0, 0), "mov x0, #-1"),
    (e.movn(2, 0x1234, 32), "mov x2, #-0x123400000001"),
    (e.movk(0, 0xFFFF, 48), "movk x0, #0xffff, lsl #48"),
    (e.movk(XZR, 1, 0), "movk xzr, #1"),
    (e.mov_reg(0, 30), "mov x0, x30"),
    (e.mov_reg(0, XZR), "mov x0, xzr"),
    (e.mov_reg(29, SP), "mov x29, sp"),
    (e.mov_reg(SP, 29), "mov sp, x29"),
    # logic and shifts
    (e.and_imm(0, 1, 0xFF), "and x0, x1, #0xff"),
    (e.and_imm(SP, 30, 0xFFFFFFFF00000000), "and sp, x30, #0xffffffff00000000"),
    (e.orr_imm(0, XZR, 0x5555555555555555), "mov x0, #0x5555555555555555"),
    (e.orr_imm(0, 1, 0x5555555555555555), "orr x0, x1, #0x5555555555555555"),
    (e.eor_imm(0, 1, 0x8000000000000000), "eor x0, x1, #0x8000000000000000"),
    (e.eor_imm(0, 1, -2), "eor x0, x1, #0xfffffffffffffffe"),
    (e.tst_imm(0, 1), "tst x0, #1"),
    (e.and_reg(0, 1, 2), "and x0, x1, x2"),
    (e.orr_reg(0, 1, 30), "orr x0, x1, x30"),
    (e.eor_reg(30, XZR, 0), "eor x30, xzr, x0"),
    (e.tst_reg(0, 1), "tst x0, x1"),
    (e.lsl_imm(0, 1, 3), "lsl x0, x1, #3"),
    (e.lsl_imm(0, 1, 1), "lsl x0, x1, #1"),
    (e.lsl_imm(30, 29, 63), "lsl x30, x29, #0x3f"),
    (e.lsr_imm(0, 1, 0), "lsr x0, x1, #0"),
    (e.lsr_imm(0, 1, 63), "lsr x0, x1, #0x3f"),
    (e.asr_imm(0, 1, 1), "asr x0, x1, #1"),
    (e.asr_imm(0, 30, 63), "asr x0, x30, #0x3f"),
    (e.lsl_reg(0, 1, 2), "lsl x0, x1, x2"),
    (e.lsr_reg(0, 1, 30), "lsr x0, x1, x30"),
    (e.asr_reg(XZR, 1, 2), "asr xzr, x1, x2"),
    # loads and stores
    (e.ldr_x(0, SP), "ldr x0, [sp]"),
    (e.ldr_x(30, 1, 32760), "ldr x30, [x1, #0x7ff8]"),
    (e.str_x(XZR, SP, 8), "str xzr, [sp, #8]"),
    (e.str_x(0, 30, 16), "str x0, [x30, #0x10]"),
    (e.ldr_d(31, SP, 32760), "ldr d31, [sp, #0x7ff8]"),
    (e.ldr_d(0, 29, 0), "ldr d0, [x29]"),
    (e.str_d(8, 29, 16), "str d8, [x29, #0x10]"),
    (e.str_d(31, SP, 24), "str d31, [sp, #0x18]"),
    (e.ldrsw(9, 19, 4), "ldrsw x9, [x19, #4]"),
    (e.ldrsw(30, SP, 16380), "ldrsw x30, [sp, #0x3ffc]"),
    (e.str_w(9, 19, 0), "str w9, [x19]"),
    (e.str_w_indexed(11, 10, 9), "str w11, [x10, x9, lsl #2]"),
    (e.str_w_indexed(XZR, SP, 30), "str wzr, [sp, x30, lsl #2]"),
    (e.str_w(XZR, SP, 16380), "str wzr, [sp, #0x3ffc]"),
    (e.ldur_x(0, SP, -256), "ldur x0, [sp, #-0x100]"),
    (e.stur_x(0, 1, 255), "stur x0, [x1, #0xff]"),
    (e.ldur_d(31, 29, -8), "ldur d31, [x29, #-8]"),
    (e.stur_d(0, 29, -16), "stur d0, [x29, #-0x10]"),
    (e.ldr_x_pre(0, SP, -16), "ldr x0, [sp, #-0x10]!"),
    (e.ldr_x_post(30, SP, 16), "ldr x30, [sp], #0x10"),
    (e.str_x_pre(30, SP, -256), "str x30, [sp, #-0x100]!"),
    (e.str_x_post(0, 1, 255), "str x0, [x1], #0xff"),
    (e.ldr_d_pre(0, SP, 8), "ldr d0, [sp, #8]!"),
    (e.ldr_d_post(31, SP, 8), "ldr d31, [sp], #8"),
    (e.str_d_pre(8, SP, -16), "str d8, [sp, #-0x10]!"),
    (e.str_d_post(0, 2, 8), "str d0, [x2], #8"),
    (e.ldr_d_indexed(0, 1, 2), "ldr d0, [x1, x2, lsl #3]"),
    (e.str_d_indexed(31, SP, 30), "str d31, [sp, x30, lsl #3]"),
    (e.ldr_x_indexed(0, 1, 2), "ldr x0, [x1, x2, lsl #3]"),
    (e.str_x_indexed(XZR, 1, 2), "str xzr, [x1, x2, lsl #3]"),
    (e.stp_x_pre(29, 30, SP, -16), "stp x29, x30, [sp, #-0x10]!"),
    (e.ldp_x_post(29, 30, SP, 16), "ldp x29, x30, [sp], #0x10"),
    (e.stp_x(0, 1, SP, -512), "stp x0, x1, [sp, #-0x200]"),
    (e.ldp_x(0, 1, SP, 504), "ldp x0, x1, [sp, #0x1f8]"),
    (e.stp_x(XZR, XZR, 30), "stp xzr, xzr, [x30]"),
    (e.stp_x_post(0, 1, 2, 8), "stp x0, x1, [x2], #8"),
    (e.ldp_x_pre(0, 1, 2, -8), "ldp x0, x1, [x2, #-8]!"),
    (e.stp_d(8, 9, SP, 16), "stp d8, d9, [sp, #0x10]"),
    (e.stp_d(14, 15, SP, 504), "stp d14, d15, [sp, #0x1f8]"),
    (e.ldp_d(14, 15, SP, 48), "ldp d14, d15, [sp, #0x30]"),
    (e.stp_d_pre(8, 9, SP, -64), "stp d8, d9, [sp, #-0x40]!"),
    (e.ldp_d_post(8, 9, SP, 64), "ldp d8, d9, [sp], #0x40"),
    (e.ldp_d(0, 31, 29, -512), "ldp d0, d31, [x29, #-0x200]"),
    # pc-relative, at PC
    (e.ldr_x_literal(0, 8), f"ldr x0, #{PC + 8:#x}"),
    (e.ldr_d_literal(31, -4), f"ldr d31, #{PC - 4:#x}"),
    (e.ldr_d_literal(0, (1 << 20) - 4), f"ldr d0, #{PC + (1 << 20) - 4:#x}"),
    (e.ldr_d_literal(0, -(1 << 20)), f"ldr d0, #{PC - (1 << 20):#x}"),
    (e.adr(0, 0), f"adr x0, #{PC:#x}"),
    (e.adr(30, -(1 << 20)), f"adr x30, #{PC - (1 << 20):#x}"),
    (e.adr(1, (1 << 20) - 1), f"adr x1, #{PC + (1 << 20) - 1:#x}"),
    (e.adrp(0, 4096), f"adrp x0, #{PC + 4096:#x}"),
    (e.adrp(30, -4096 * 16), f"adrp x30, #{PC - 4096 * 16:#x}"),
    (e.b(0), f"b #{PC:#x}"),
    (e.b(-4), f"b #{PC - 4:#x}"),
    (e.b((1 << 27) - 4), f"b #{PC + (1 << 27) - 4:#x}"),
    (e.bl(64), f"bl #{PC + 64:#x}"),
    (e.bl(-(1 << 21)), f"bl #{PC - (1 << 21):#x}"),
    (e.cbz(0, 8), f"cbz x0, #{PC + 8:#x}"),
    (e.cbz(30, -(1 << 20)), f"cbz x30, #{PC - (1 << 20):#x}"),
    (e.cbnz(XZR, (1 << 20) - 4), f"cbnz xzr, #{PC + (1 << 20) - 4:#x}"),
    (e.br(16), "br x16"),
    (e.br(30), "br x30"),
    (e.blr(0), "blr x0"),
    (e.blr(30), "blr x30"),
    (e.ret(), "ret"),
    (e.ret(1), "ret x1"),
    (e.nop(), "nop"),
    (e.brk(0), "brk #0"),
    (e.brk(0xFFFF), "brk #0xffff"),
    (e.mrs_ctr_el0(3), "mrs x3, ctr_el0"),
    (e.dc_cvau(8), "dc cvau, x8"),
    (e.ic_ivau(30), "ic ivau, x30"),
    (e.dsb_ish(), "dsb ish"),
    (e.isb(), "isb"),
]


@pytest.mark.parametrize(("word", "expected"), CASES, ids=[c[1] for c in CASES])
def test_matches_capstone(word: int, expected: str) -> None:
    assert disasm(word) == expected


_COND_NAMES = ["eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt",
               "le", "al", "nv"]


@pytest.mark.parametrize("cond", list(Cond))
def test_b_cond_every_condition(cond: Cond) -> None:
    assert disasm(e.b_cond(cond, 12)) == f"b.{_COND_NAMES[cond]} #{PC + 12:#x}"
    assert disasm(e.b_cond(cond, -(1 << 20))) == f"b.{_COND_NAMES[cond]} #{PC - (1 << 20):#x}"


def test_cond_invert() -> None:
    assert Cond.EQ.invert() is Cond.NE
    assert Cond.LT.invert() is Cond.GE
    assert Cond.HI.invert() is Cond.LS
    with pytest.raises(ValueError, match="no inverse"):
        Cond.AL.invert()


def _fmov_imm_values() -> list[float]:
    values = []
    for sign in (1.0, -1.0):
        for n in range(16, 32):
            for exponent in range(-3, 5):
                values.append(sign * n / 16 * 2.0**exponent)
    return values


def test_fmov_imm_every_encodable_value() -> None:
    values = _fmov_imm_values()
    assert len(set(values)) == 256
    seen = set()
    for value in values:
        assert e.fmov_imm_encodable(value)
        word = e.fmov_imm(3, value)
        seen.add(word)
        text = disasm(word)
        assert text.startswith("fmov d3, #")
        assert float(text.split("#")[1]) == value
    assert len(seen) == 256
    for value in (0.0, -0.0, 0.1, 33.0, 1 / 256, float("inf"), float("nan"), 1e300):
        assert not e.fmov_imm_encodable(value)
        with pytest.raises(ValueError, match="not encodable"):
            e.fmov_imm(0, value)


def capstone_hex(value: int) -> str:
    """Capstone prints immediates below 10 in decimal, the rest in hex."""
    return str(value) if 0 <= value <= 9 else hex(value)


def _all_bitmask_values() -> set[int]:
    values = set()
    for size in (2, 4, 8, 16, 32, 64):
        for ones in range(1, size):
            for rotation in range(size):
                run = (1 << ones) - 1
                element = ((run >> rotation) | (run << (size - rotation))) & ((1 << size) - 1)
                values.add(sum(element << (size * i) for i in range(64 // size)))
    return values


def test_bitmask_immediates_exhaustive() -> None:
    values = _all_bitmask_values()
    assert len(values) == 5334  # the architecture's count of 64-bit logical immediates
    for value in values:
        assert e.encode_bitmask_imm(value) is not None
        assert disasm(e.and_imm(0, 1, value)) == f"and x0, x1, #{capstone_hex(value)}"
    rng = random.Random(5)
    for _ in range(2000):
        value = rng.getrandbits(64)
        assert (e.encode_bitmask_imm(value) is not None) == (value in values)
    for value in (0, (1 << 64) - 1, 0x1234, 0b101):
        assert e.encode_bitmask_imm(value) is None
        with pytest.raises(ValueError, match="not a bitmask immediate"):
            e.orr_imm(0, 1, value)


def test_words_to_bytes_is_little_endian() -> None:
    assert e.words_to_bytes([e.nop(), e.ret()]) == bytes.fromhex("1f2003d5c0035fd6")
    with pytest.raises(ValueError, match="not 32 bits"):
        e.words_to_bytes([1 << 32])


ERRORS = [
    (lambda: e.fadd(32, 0, 0), r"fadd: d register 32 is not an FP register"),
    (lambda: e.fadd(0, -1, 0), r"fadd: n register -1"),
    (lambda: e.fsqrt(0, 40), r"fsqrt: n register 40"),
    (lambda: e.fmov_to_gpr(SP, 0), r"fmov: d register cannot be sp"),
    (lambda: e.add_reg(0, 1, SP), r"add: m register cannot be sp"),
    (lambda: e.add_imm(XZR, 0, 1), r"add: d register cannot be xzr"),
    (lambda: e.add_imm(0, XZR, 1), r"add: n register cannot be xzr"),
    (lambda: e.add_imm(0, 1, 4097), r"add: immediate 4097 not encodable"),
    (lambda: e.sub_imm(0, 1, -1), r"sub: immediate -1 not encodable"),
    (lambda: e.add_imm(0, 1, 0x1000000), r"not encodable"),
    (lambda: e.cmp_imm(0, 5000), r"cmp: immediate 5000"),
    (lambda: e.adds_imm(SP, 0, 1), r"adds: d register cannot be sp"),
    (lambda: e.csel(0, 1, 2, 16), r"csel: condition 16"),
    (lambda: e.cset(0, Cond.AL), r"cset: condition must not be al or nv"),
    (lambda: e.mov_reg(0, 33), r"not a general register"),
    (lambda: e.movz(0, 0x10000), r"movz: immediate 65536 out of range"),
    (lambda: e.movk(0, 1, 8), r"movk: shift 8 must be 0, 16, 32 or 48"),
    (lambda: e.movn(0, -1), r"movn: immediate -1 out of range"),
    (lambda: e.mov_imm64(0, 1 << 64), r"does not fit in 64 bits"),
    (lambda: e.mov_imm64(SP, 1), r"mov: d register cannot be sp"),
    (lambda: e.lsl_imm(0, 1, 64), r"lsl: shift 64 out of range"),
    (lambda: e.lsr_imm(0, 1, -1), r"lsr: shift -1 out of range"),
    (lambda: e.ldr_x(0, SP, 4), r"ldr: offset 4 must be a multiple of 8 in 0..32760"),
    (lambda: e.ldr_x(0, SP, 32768), r"offset 32768"),
    (lambda: e.str_d(0, SP, -8), r"str: offset -8"),
    (lambda: e.ldr_d(0, XZR, 0), r"ldr: base register cannot be xzr"),
    (lambda: e.ldrsw(0, 1, 2), r"ldrsw: offset 2 must be a multiple of 4 in 0..16380"),
    (lambda: e.str_w(0, 1, 16384), r"str: offset 16384"),
    (lambda: e.ldur_x(0, 1, 256), r"ldur: offset 256 must be in -256..255"),
    (lambda: e.str_x_pre(0, SP, -257), r"offset -257"),
    (lambda: e.ldr_x_post(1, 1, 8), r"writeback with the base register"),
    (lambda: e.stp_x(0, 1, SP, 4), r"stp: offset 4 must be a multiple of 8 in -512..504"),
    (lambda: e.stp_d_pre(8, 9, SP, -520), r"offset -520"),
    (lambda: e.ldp_x(0, 0, SP, 0), r"loading the same register twice"),
    (lambda: e.ldp_x_post(29, 30, 29, 16), r"writeback base register"),
    (lambda: e.ldr_d_literal(0, 2), r"ldr: offset 2 must be a multiple of 4"),
    (lambda: e.ldr_d_literal(0, 1 << 20), r"offset 1048576"),
    (lambda: e.adr(0, 1 << 20), r"adr: offset 1048576"),
    (lambda: e.adrp(0, 100), r"adrp: offset 100 must be a multiple of 4096"),
    (lambda: e.b(1 << 27), r"b: offset 134217728"),
    (lambda: e.bl(2), r"bl: offset 2 must be a multiple of 4"),
    (lambda: e.b_cond(Cond.EQ, -(1 << 20) - 4), r"b.cond: offset"),
    (lambda: e.b_cond(99, 0), r"b.cond: condition 99"),
    (lambda: e.cbz(SP, 0), r"cbz: t register cannot be sp"),
    (lambda: e.brk(0x10000), r"brk: immediate 65536 out of range"),
    (lambda: e.ret(True), r"not a general register"),
    (lambda: e.fadd(0, 1, "d2"), r"not an FP register"),
]


@pytest.mark.parametrize(("make", "message"), ERRORS, ids=[m for _, m in ERRORS])
def test_bad_operands_raise_value_error(make, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_mov_imm64_picks_short_sequences() -> None:
    assert len(e.mov_imm64(0, 0)) == 1
    assert len(e.mov_imm64(0, -1)) == 1
    assert len(e.mov_imm64(0, 0xFFFF_0000)) == 1
    assert len(e.mov_imm64(0, -0x10001)) == 1  # movn
    assert e.mov_imm64(0, 0x5555555555555555) == [e.orr_imm(0, XZR, 0x5555555555555555)]
    assert len(e.mov_imm64(0, 0x1234_5678_9ABC_DEF0)) == 4
    assert len(e.mov_imm64(0, 0xFFFF_FFFF_FFFF_1234 & ~(0xFF << 32))) == 2
