"""AArch64 encoder, floating point: double-precision (D register) instructions and the
conversions between doubles and 64-bit integers. Part of ``encoder`` (which re-exports all)."""

from __future__ import annotations

import struct

from .operands import _cond, _dreg, _xreg


def _fp_2src(opcode: int, insn: str, rd: int, rn: int, rm: int) -> int:
    return (0x1E600800 | _dreg(insn, "m", rm) << 16 | opcode << 12
            | _dreg(insn, "n", rn) << 5 | _dreg(insn, "d", rd))


def fmul(rd: int, rn: int, rm: int) -> int:
    """fmul dD, dN, dM"""
    return _fp_2src(0b0000, "fmul", rd, rn, rm)


def fdiv(rd: int, rn: int, rm: int) -> int:
    """fdiv dD, dN, dM"""
    return _fp_2src(0b0001, "fdiv", rd, rn, rm)


def fadd(rd: int, rn: int, rm: int) -> int:
    """fadd dD, dN, dM"""
    return _fp_2src(0b0010, "fadd", rd, rn, rm)


def fsub(rd: int, rn: int, rm: int) -> int:
    """fsub dD, dN, dM"""
    return _fp_2src(0b0011, "fsub", rd, rn, rm)


def fmax(rd: int, rn: int, rm: int) -> int:
    """fmax dD, dN, dM (NaN if either operand is NaN)"""
    return _fp_2src(0b0100, "fmax", rd, rn, rm)


def fmin(rd: int, rn: int, rm: int) -> int:
    """fmin dD, dN, dM (NaN if either operand is NaN)"""
    return _fp_2src(0b0101, "fmin", rd, rn, rm)


def fmaxnm(rd: int, rn: int, rm: int) -> int:
    """fmaxnm dD, dN, dM (a quiet NaN operand loses to a number)"""
    return _fp_2src(0b0110, "fmaxnm", rd, rn, rm)


def fminnm(rd: int, rn: int, rm: int) -> int:
    """fminnm dD, dN, dM (a quiet NaN operand loses to a number)"""
    return _fp_2src(0b0111, "fminnm", rd, rn, rm)


def _fp_1src(opcode: int, insn: str, rd: int, rn: int) -> int:
    return 0x1E604000 | opcode << 15 | _dreg(insn, "n", rn) << 5 | _dreg(insn, "d", rd)


def fmov(rd: int, rn: int) -> int:
    """fmov dD, dN"""
    return _fp_1src(0b000000, "fmov", rd, rn)


def fabs(rd: int, rn: int) -> int:
    """fabs dD, dN"""
    return _fp_1src(0b000001, "fabs", rd, rn)


def fneg(rd: int, rn: int) -> int:
    """fneg dD, dN"""
    return _fp_1src(0b000010, "fneg", rd, rn)


def fsqrt(rd: int, rn: int) -> int:
    """fsqrt dD, dN"""
    return _fp_1src(0b000011, "fsqrt", rd, rn)


def frintn(rd: int, rn: int) -> int:
    """frintn dD, dN: round to nearest, ties to even"""
    return _fp_1src(0b001000, "frintn", rd, rn)


def frintp(rd: int, rn: int) -> int:
    """frintp dD, dN: round toward +infinity (ceil)"""
    return _fp_1src(0b001001, "frintp", rd, rn)


def frintm(rd: int, rn: int) -> int:
    """frintm dD, dN: round toward -infinity (floor)"""
    return _fp_1src(0b001010, "frintm", rd, rn)


def frintz(rd: int, rn: int) -> int:
    """frintz dD, dN: round toward zero (trunc)"""
    return _fp_1src(0b001011, "frintz", rd, rn)


def frinta(rd: int, rn: int) -> int:
    """frinta dD, dN: round to nearest, ties away from zero"""
    return _fp_1src(0b001100, "frinta", rd, rn)


def fcmp(rn: int, rm: int) -> int:
    """fcmp dN, dM (quiet compare; unordered sets C and V)"""
    return 0x1E602000 | _dreg("fcmp", "m", rm) << 16 | _dreg("fcmp", "n", rn) << 5


def fcmp_zero(rn: int) -> int:
    """fcmp dN, #0.0"""
    return 0x1E602008 | _dreg("fcmp", "n", rn) << 5


def fcsel(rd: int, rn: int, rm: int, cond: int) -> int:
    """fcsel dD, dN, dM, cond: dD = cond ? dN : dM"""
    return (0x1E600C00 | _dreg("fcsel", "m", rm) << 16 | _cond("fcsel", cond) << 12
            | _dreg("fcsel", "n", rn) << 5 | _dreg("fcsel", "d", rd))


def fmov_to_gpr(xd: int, dn: int) -> int:
    """fmov xD, dN: copy the 64 bits of a double into a general register"""
    return 0x9E660000 | _dreg("fmov", "n", dn) << 5 | _xreg("fmov", "d", xd)


def fmov_from_gpr(dd: int, xn: int) -> int:
    """fmov dD, xN: copy the 64 bits of a general register into a double register"""
    return 0x9E670000 | _xreg("fmov", "n", xn) << 5 | _dreg("fmov", "d", dd)


def _expand_fp_imm8(imm8: int) -> int:
    """The double bit pattern an 8-bit fmov immediate stands for (VFPExpandImm)."""
    sign = imm8 >> 7
    b = (imm8 >> 6) & 1
    exponent = ((b ^ 1) << 10) | ((0xFF if b else 0) << 2) | ((imm8 >> 4) & 3)
    return sign << 63 | exponent << 52 | (imm8 & 0xF) << 48


_FP_IMM8_BY_BITS = {_expand_fp_imm8(i): i for i in range(256)}


def _double_bits(value: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", value))[0]


def fmov_imm_encodable(value: float) -> bool:
    """Whether ``fmov dD, #value`` can encode ``value`` (+-n/16 * 2**e, n 16..31, e -3..4)."""
    return _double_bits(float(value)) in _FP_IMM8_BY_BITS


def fmov_imm(rd: int, value: float) -> int:
    """fmov dD, #value (only values with fmov_imm_encodable(value); 0.0 is not one)"""
    imm8 = _FP_IMM8_BY_BITS.get(_double_bits(float(value)))
    if imm8 is None:
        raise ValueError(f"fmov: {value!r} is not encodable as an 8-bit FP immediate "
                         f"(use a constant pool load)")
    return 0x1E601000 | imm8 << 13 | _dreg("fmov", "d", rd)


def scvtf(dd: int, xn: int) -> int:
    """scvtf dD, xN: signed 64-bit integer to double"""
    return 0x9E620000 | _xreg("scvtf", "n", xn) << 5 | _dreg("scvtf", "d", dd)


def fcvtzs(xd: int, dn: int) -> int:
    """fcvtzs xD, dN: double to signed 64-bit integer, round toward zero (saturating, NaN -> 0)"""
    return 0x9E780000 | _dreg("fcvtzs", "n", dn) << 5 | _xreg("fcvtzs", "d", xd)


def fcvtms(xd: int, dn: int) -> int:
    """fcvtms xD, dN: double to signed 64-bit integer, round toward -infinity"""
    return 0x9E700000 | _dreg("fcvtms", "n", dn) << 5 | _xreg("fcvtms", "d", xd)
