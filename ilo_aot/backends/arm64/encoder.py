"""AArch64 instruction encoder: one small function per instruction, each returning a 32-bit word.

Only the A64 instructions the numeric IR needs are here, all in their 64-bit forms (X registers
and double-precision D registers). Branch and literal offsets are byte offsets relative to the
address of the instruction being encoded, as in the architecture manual.

Registers are plain ints: general registers 0..30, ``XZR`` (31) for the zero register and ``SP``
(a distinct value, encoded as 31) for the stack pointer, so passing the stack pointer where the
encoding would mean the zero register (or the reverse) is an error rather than a silent bug. FP
registers are 0..31 (d0..d31). Every operand is checked; anything that cannot be encoded raises
``ValueError`` naming the instruction, the operand and the accepted range.
"""

from __future__ import annotations

# The floating-point instructions live in encoder_fp; they are part of this module's interface
# (listed in _REEXPORTED so linters know the imports are used).
from .encoder_fp import (
    fabs,
    fadd,
    fcmp,
    fcmp_zero,
    fcsel,
    fcvtms,
    fcvtzs,
    fdiv,
    fmax,
    fmaxnm,
    fmin,
    fminnm,
    fmov,
    fmov_from_gpr,
    fmov_imm,
    fmov_imm_encodable,
    fmov_to_gpr,
    fmul,
    fneg,
    frinta,
    frintm,
    frintn,
    frintp,
    frintz,
    fsqrt,
    fsub,
    scvtf,
)
from .operands import (
    FP,
    LR,
    MASK64,
    SP,
    XZR,
    Cond,
    _cond,
    _dreg,
    _scaled_offset,
    _uimm,
    _xreg,
)

_REEXPORTED = (
    FP, fabs, fadd, fcmp, fcmp_zero, fcsel, fcvtms, fcvtzs, fdiv, fmax, fmaxnm, fmin, fminnm,
    fmov, fmov_from_gpr, fmov_imm, fmov_imm_encodable, fmov_to_gpr, fmul, fneg, frinta,
    frintm, frintn, frintp, frintz, fsqrt, fsub, scvtf,
)

# ---------------------------------------------------------------------------------------------
# Integer arithmetic, 64-bit


def _split_add_imm(insn: str, imm: int) -> tuple[int, int]:
    """(shift flag, imm12) for an add/sub immediate: 0..4095, or a multiple of 4096 below 2**24."""
    if isinstance(imm, int) and 0 <= imm <= 0xFFF:
        return 0, imm
    if isinstance(imm, int) and 0 < imm <= 0xFFF000 and imm & 0xFFF == 0:
        return 1, imm >> 12
    raise ValueError(f"{insn}: immediate {imm!r} not encodable "
                     f"(0..4095, or a multiple of 4096 up to 0xfff000)")


def _addsub_imm(base: int, insn: str, rd: int, rn: int, imm: int, *, flags: bool) -> int:
    shift, imm12 = _split_add_imm(insn, imm)
    d = _xreg(insn, "d", rd, sp=not flags, zr=flags)
    n = _xreg(insn, "n", rn, sp=True, zr=False)
    return base | shift << 22 | imm12 << 10 | n << 5 | d


def add_imm(rd: int, rn: int, imm: int) -> int:
    """add xD|sp, xN|sp, #imm"""
    return _addsub_imm(0x91000000, "add", rd, rn, imm, flags=False)


def adds_imm(rd: int, rn: int, imm: int) -> int:
    """adds xD, xN|sp, #imm"""
    return _addsub_imm(0xB1000000, "adds", rd, rn, imm, flags=True)


def sub_imm(rd: int, rn: int, imm: int) -> int:
    """sub xD|sp, xN|sp, #imm"""
    return _addsub_imm(0xD1000000, "sub", rd, rn, imm, flags=False)


def subs_imm(rd: int, rn: int, imm: int) -> int:
    """subs xD, xN|sp, #imm"""
    return _addsub_imm(0xF1000000, "subs", rd, rn, imm, flags=True)


def cmp_imm(rn: int, imm: int) -> int:
    """cmp xN|sp, #imm (subs xzr, xN, #imm)"""
    return _addsub_imm(0xF1000000, "cmp", XZR, rn, imm, flags=True)


def cmn_imm(rn: int, imm: int) -> int:
    """cmn xN|sp, #imm (adds xzr, xN, #imm)"""
    return _addsub_imm(0xB1000000, "cmn", XZR, rn, imm, flags=True)


def _addsub_reg(op: int, insn: str, rd: int, rn: int, rm: int, *, flags: bool) -> int:
    """Shifted-register form, or the extended-register form (uxtx #0) when sp is involved."""
    m = _xreg(insn, "m", rm)
    if rd == SP or rn == SP:
        d = _xreg(insn, "d", rd, sp=not flags, zr=flags)
        n = _xreg(insn, "n", rn, sp=True, zr=False)
        return 0x0B206000 | op << 29 | 1 << 31 | m << 16 | n << 5 | d
    d = _xreg(insn, "d", rd)
    n = _xreg(insn, "n", rn)
    return 0x0B000000 | op << 29 | 1 << 31 | m << 16 | n << 5 | d


def add_reg(rd: int, rn: int, rm: int) -> int:
    """add xD, xN, xM"""
    return _addsub_reg(0b00, "add", rd, rn, rm, flags=False)


def adds_reg(rd: int, rn: int, rm: int) -> int:
    """adds xD, xN, xM"""
    return _addsub_reg(0b01, "adds", rd, rn, rm, flags=True)


def sub_reg(rd: int, rn: int, rm: int) -> int:
    """sub xD, xN, xM"""
    return _addsub_reg(0b10, "sub", rd, rn, rm, flags=False)


def subs_reg(rd: int, rn: int, rm: int) -> int:
    """subs xD, xN, xM"""
    return _addsub_reg(0b11, "subs", rd, rn, rm, flags=True)


def cmp_reg(rn: int, rm: int) -> int:
    """cmp xN, xM (subs xzr, xN, xM)"""
    return _addsub_reg(0b11, "cmp", XZR, rn, rm, flags=True)


def neg(rd: int, rm: int) -> int:
    """neg xD, xM (sub xD, xzr, xM)"""
    return _addsub_reg(0b10, "neg", rd, XZR, rm, flags=False)


def csel(rd: int, rn: int, rm: int, cond: int) -> int:
    """csel xD, xN, xM, cond: xD = cond ? xN : xM"""
    return (0x9A800000 | _xreg("csel", "m", rm) << 16 | _cond("csel", cond) << 12
            | _xreg("csel", "n", rn) << 5 | _xreg("csel", "d", rd))


def csinc(rd: int, rn: int, rm: int, cond: int) -> int:
    """csinc xD, xN, xM, cond: xD = cond ? xN : xM + 1"""
    return (0x9A800400 | _xreg("csinc", "m", rm) << 16 | _cond("csinc", cond) << 12
            | _xreg("csinc", "n", rn) << 5 | _xreg("csinc", "d", rd))


def cset(rd: int, cond: int) -> int:
    """cset xD, cond: xD = cond ? 1 : 0"""
    c = _cond("cset", cond)
    if c >= Cond.AL:
        raise ValueError("cset: condition must not be al or nv")
    return csinc(rd, XZR, XZR, c ^ 1)


def mul(rd: int, rn: int, rm: int) -> int:
    """mul xD, xN, xM (madd with xzr)"""
    return madd(rd, rn, rm, XZR)


def madd(rd: int, rn: int, rm: int, ra: int) -> int:
    """madd xD, xN, xM, xA: xD = xA + xN * xM (integer)"""
    return (0x9B000000 | _xreg("madd", "m", rm) << 16 | _xreg("madd", "a", ra) << 10
            | _xreg("madd", "n", rn) << 5 | _xreg("madd", "d", rd))


def msub(rd: int, rn: int, rm: int, ra: int) -> int:
    """msub xD, xN, xM, xA: xD = xA - xN * xM (integer)"""
    return (0x9B008000 | _xreg("msub", "m", rm) << 16 | _xreg("msub", "a", ra) << 10
            | _xreg("msub", "n", rn) << 5 | _xreg("msub", "d", rd))


def sdiv(rd: int, rn: int, rm: int) -> int:
    """sdiv xD, xN, xM (signed; division by zero gives 0)"""
    return (0x9AC00C00 | _xreg("sdiv", "m", rm) << 16 | _xreg("sdiv", "n", rn) << 5
            | _xreg("sdiv", "d", rd))


def udiv(rd: int, rn: int, rm: int) -> int:
    """udiv xD, xN, xM"""
    return (0x9AC00800 | _xreg("udiv", "m", rm) << 16 | _xreg("udiv", "n", rn) << 5
            | _xreg("udiv", "d", rd))


# ---------------------------------------------------------------------------------------------
# Moves and constants


def _wide_move(base: int, insn: str, rd: int, imm16: int, shift: int) -> int:
    _uimm(insn, "immediate", imm16, 16)
    if shift not in (0, 16, 32, 48):
        raise ValueError(f"{insn}: shift {shift!r} must be 0, 16, 32 or 48")
    return base | (shift // 16) << 21 | imm16 << 5 | _xreg(insn, "d", rd)


def movz(rd: int, imm16: int, shift: int = 0) -> int:
    """movz xD, #imm16, lsl #shift"""
    return _wide_move(0xD2800000, "movz", rd, imm16, shift)


def movn(rd: int, imm16: int, shift: int = 0) -> int:
    """movn xD, #imm16, lsl #shift: xD = ~(imm16 << shift)"""
    return _wide_move(0x92800000, "movn", rd, imm16, shift)


def movk(rd: int, imm16: int, shift: int = 0) -> int:
    """movk xD, #imm16, lsl #shift: replace one 16-bit field of xD"""
    return _wide_move(0xF2800000, "movk", rd, imm16, shift)


def mov_reg(rd: int, rm: int) -> int:
    """mov xD, xM (orr xD, xzr, xM; add xD, xM, #0 when either is sp)"""
    if rd == SP or rm == SP:
        return add_imm(rd, rm, 0)
    return 0xAA0003E0 | _xreg("mov", "m", rm) << 16 | _xreg("mov", "d", rd)


def mov_imm64(rd: int, value: int) -> list[int]:
    """Words that load any 64-bit constant (signed or unsigned) into xD, fewest first choice.

    One instruction when movz, movn or orr with a bitmask immediate can do it, else
    movz/movn followed by movk for each remaining 16-bit field.
    """
    _xreg("mov", "d", rd, zr=False)
    if not isinstance(value, int) or not -(1 << 63) <= value <= MASK64:
        raise ValueError(f"mov: constant {value!r} does not fit in 64 bits")
    value &= MASK64
    chunks = [(value >> (16 * i)) & 0xFFFF for i in range(4)]
    zeros = chunks.count(0)
    ones = chunks.count(0xFFFF)
    if ones > zeros:
        # Start from all ones with movn, then patch fields that are not 0xffff.
        first = next((i for i, c in enumerate(chunks) if c != 0xFFFF), 0)
        words = [movn(rd, (~chunks[first]) & 0xFFFF, 16 * first)]
        skip = 0xFFFF
    else:
        first = next((i for i, c in enumerate(chunks) if c != 0), 0)
        words = [movz(rd, chunks[first], 16 * first)]
        skip = 0
    words += [movk(rd, c, 16 * i) for i, c in enumerate(chunks) if i != first and c != skip]
    if len(words) > 1 and encode_bitmask_imm(value) is not None:
        return [orr_imm(rd, XZR, value)]
    return words


# ---------------------------------------------------------------------------------------------
# Logic and shifts


def encode_bitmask_imm(value: int) -> tuple[int, int, int] | None:
    """(N, immr, imms) for a 64-bit logical immediate, or None when ``value`` has no encoding.

    Encodable values repeat an element of 2, 4, ..., 64 bits that is a rotated run of ones.
    """
    value &= MASK64
    if value in (0, MASK64):
        return None
    size = 64
    while size > 2:
        half = size // 2
        if (value & ((1 << half) - 1)) != (value >> half) & ((1 << half) - 1):
            break
        size = half
    mask = (1 << size) - 1
    element = value & mask
    ones = bin(element).count("1")
    run = (1 << ones) - 1
    for rotation in range(size):
        rotated = ((run >> rotation) | (run << (size - rotation))) & mask
        if rotated == element:
            prefix = (~(size - 1) << 1) & 0x3F
            return (1 if size == 64 else 0), rotation, prefix | (ones - 1)
    return None


def _logical_imm(base: int, insn: str, rd: int, rn: int, value: int, *, flags: bool) -> int:
    if not isinstance(value, int) or not -(1 << 63) <= value <= MASK64:
        raise ValueError(f"{insn}: immediate {value!r} does not fit in 64 bits")
    fields = encode_bitmask_imm(value)
    if fields is None:
        raise ValueError(f"{insn}: {value & MASK64:#x} is not a bitmask immediate "
                         f"(a repeated, rotated run of ones)")
    n, immr, imms = fields
    d = _xreg(insn, "d", rd, sp=not flags, zr=flags)
    return base | n << 22 | immr << 16 | imms << 10 | _xreg(insn, "n", rn) << 5 | d


def and_imm(rd: int, rn: int, value: int) -> int:
    """and xD|sp, xN, #bitmask"""
    return _logical_imm(0x92000000, "and", rd, rn, value, flags=False)


def orr_imm(rd: int, rn: int, value: int) -> int:
    """orr xD|sp, xN, #bitmask"""
    return _logical_imm(0xB2000000, "orr", rd, rn, value, flags=False)


def eor_imm(rd: int, rn: int, value: int) -> int:
    """eor xD|sp, xN, #bitmask"""
    return _logical_imm(0xD2000000, "eor", rd, rn, value, flags=False)


def tst_imm(rn: int, value: int) -> int:
    """tst xN, #bitmask (ands xzr, xN, #bitmask)"""
    return _logical_imm(0xF2000000, "tst", XZR, rn, value, flags=True)


def _logical_reg(base: int, insn: str, rd: int, rn: int, rm: int) -> int:
    return (base | _xreg(insn, "m", rm) << 16 | _xreg(insn, "n", rn) << 5
            | _xreg(insn, "d", rd))


def and_reg(rd: int, rn: int, rm: int) -> int:
    """and xD, xN, xM"""
    return _logical_reg(0x8A000000, "and", rd, rn, rm)


def orr_reg(rd: int, rn: int, rm: int) -> int:
    """orr xD, xN, xM"""
    return _logical_reg(0xAA000000, "orr", rd, rn, rm)


def eor_reg(rd: int, rn: int, rm: int) -> int:
    """eor xD, xN, xM"""
    return _logical_reg(0xCA000000, "eor", rd, rn, rm)


def tst_reg(rn: int, rm: int) -> int:
    """tst xN, xM (ands xzr, xN, xM)"""
    return _logical_reg(0xEA000000, "tst", XZR, rn, rm)


def _shift_amount(insn: str, shift: int) -> int:
    if not isinstance(shift, int) or not 0 <= shift <= 63:
        raise ValueError(f"{insn}: shift {shift!r} out of range (0..63)")
    return shift


def lsl_imm(rd: int, rn: int, shift: int) -> int:
    """lsl xD, xN, #shift (ubfm xD, xN, #(-shift mod 64), #(63 - shift))"""
    s = _shift_amount("lsl", shift)
    return (0xD3400000 | ((-s) % 64) << 16 | (63 - s) << 10 | _xreg("lsl", "n", rn) << 5
            | _xreg("lsl", "d", rd))


def lsr_imm(rd: int, rn: int, shift: int) -> int:
    """lsr xD, xN, #shift (ubfm xD, xN, #shift, #63)"""
    s = _shift_amount("lsr", shift)
    return 0xD340FC00 | s << 16 | _xreg("lsr", "n", rn) << 5 | _xreg("lsr", "d", rd)


def asr_imm(rd: int, rn: int, shift: int) -> int:
    """asr xD, xN, #shift (sbfm xD, xN, #shift, #63)"""
    s = _shift_amount("asr", shift)
    return 0x9340FC00 | s << 16 | _xreg("asr", "n", rn) << 5 | _xreg("asr", "d", rd)


def _shift_reg(op2: int, insn: str, rd: int, rn: int, rm: int) -> int:
    return (0x9AC02000 | op2 << 10 | _xreg(insn, "m", rm) << 16 | _xreg(insn, "n", rn) << 5
            | _xreg(insn, "d", rd))


def lsl_reg(rd: int, rn: int, rm: int) -> int:
    """lsl xD, xN, xM (lslv; shift amount is xM mod 64)"""
    return _shift_reg(0b00, "lsl", rd, rn, rm)


def lsr_reg(rd: int, rn: int, rm: int) -> int:
    """lsr xD, xN, xM (lsrv)"""
    return _shift_reg(0b01, "lsr", rd, rn, rm)


def asr_reg(rd: int, rn: int, rm: int) -> int:
    """asr xD, xN, xM (asrv)"""
    return _shift_reg(0b10, "asr", rd, rn, rm)


# ---------------------------------------------------------------------------------------------
# Loads and stores (64-bit X and D registers)


def _ldst_uoff(base: int, insn: str, rt: int, rn: int, offset: int, fp: bool) -> int:
    t = _dreg(insn, "t", rt) if fp else _xreg(insn, "t", rt)
    imm12 = _scaled_offset(insn, offset, 8, 12, signed=False)
    return base | imm12 << 10 | _xreg(insn, "base", rn, sp=True, zr=False) << 5 | t


def _ldst_imm9(base: int, insn: str, rt: int, rn: int, offset: int, fp: bool,
               writeback: bool) -> int:
    t = _dreg(insn, "t", rt) if fp else _xreg(insn, "t", rt)
    n = _xreg(insn, "base", rn, sp=True, zr=False)
    if writeback and not fp and rt == rn and rn != SP:
        raise ValueError(f"{insn}: writeback with the base register as transfer register "
                         f"is unpredictable")
    imm9 = _scaled_offset(insn, offset, 1, 9, signed=True)
    return base | imm9 << 12 | n << 5 | t


def ldr_x(rt: int, rn: int, offset: int = 0) -> int:
    """ldr xT, [xN|sp, #offset] (offset a multiple of 8 in 0..32760)"""
    return _ldst_uoff(0xF9400000, "ldr", rt, rn, offset, fp=False)


def str_x(rt: int, rn: int, offset: int = 0) -> int:
    """str xT, [xN|sp, #offset] (offset a multiple of 8 in 0..32760)"""
    return _ldst_uoff(0xF9000000, "str", rt, rn, offset, fp=False)


def ldr_d(rt: int, rn: int, offset: int = 0) -> int:
    """ldr dT, [xN|sp, #offset] (offset a multiple of 8 in 0..32760)"""
    return _ldst_uoff(0xFD400000, "ldr", rt, rn, offset, fp=True)


def str_d(rt: int, rn: int, offset: int = 0) -> int:
    """str dT, [xN|sp, #offset] (offset a multiple of 8 in 0..32760)"""
    return _ldst_uoff(0xFD000000, "str", rt, rn, offset, fp=True)


def ldrsw(rt: int, rn: int, offset: int = 0) -> int:
    """ldrsw xT, [xN|sp, #offset]: load a 32-bit word, sign-extended (multiple of 4, 0..16380)"""
    t = _xreg("ldrsw", "t", rt)
    imm12 = _scaled_offset("ldrsw", offset, 4, 12, signed=False)
    return 0xB9800000 | imm12 << 10 | _xreg("ldrsw", "base", rn, sp=True, zr=False) << 5 | t


def str_w(rt: int, rn: int, offset: int = 0) -> int:
    """str wT, [xN|sp, #offset]: store the low 32 bits of xT (multiple of 4, 0..16380)"""
    t = _xreg("str", "t", rt)
    imm12 = _scaled_offset("str", offset, 4, 12, signed=False)
    return 0xB9000000 | imm12 << 10 | _xreg("str", "base", rn, sp=True, zr=False) << 5 | t


def ldur_x(rt: int, rn: int, offset: int) -> int:
    """ldur xT, [xN|sp, #offset] (unscaled, -256..255)"""
    return _ldst_imm9(0xF8400000, "ldur", rt, rn, offset, fp=False, writeback=False)


def stur_x(rt: int, rn: int, offset: int) -> int:
    """stur xT, [xN|sp, #offset] (unscaled, -256..255)"""
    return _ldst_imm9(0xF8000000, "stur", rt, rn, offset, fp=False, writeback=False)


def ldur_d(rt: int, rn: int, offset: int) -> int:
    """ldur dT, [xN|sp, #offset] (unscaled, -256..255)"""
    return _ldst_imm9(0xFC400000, "ldur", rt, rn, offset, fp=True, writeback=False)


def stur_d(rt: int, rn: int, offset: int) -> int:
    """stur dT, [xN|sp, #offset] (unscaled, -256..255)"""
    return _ldst_imm9(0xFC000000, "stur", rt, rn, offset, fp=True, writeback=False)


def ldr_x_pre(rt: int, rn: int, offset: int) -> int:
    """ldr xT, [xN|sp, #offset]! (-256..255)"""
    return _ldst_imm9(0xF8400C00, "ldr", rt, rn, offset, fp=False, writeback=True)


def ldr_x_post(rt: int, rn: int, offset: int) -> int:
    """ldr xT, [xN|sp], #offset (-256..255)"""
    return _ldst_imm9(0xF8400400, "ldr", rt, rn, offset, fp=False, writeback=True)


def str_x_pre(rt: int, rn: int, offset: int) -> int:
    """str xT, [xN|sp, #offset]! (-256..255)"""
    return _ldst_imm9(0xF8000C00, "str", rt, rn, offset, fp=False, writeback=True)


def str_x_post(rt: int, rn: int, offset: int) -> int:
    """str xT, [xN|sp], #offset (-256..255)"""
    return _ldst_imm9(0xF8000400, "str", rt, rn, offset, fp=False, writeback=True)


def ldr_d_pre(rt: int, rn: int, offset: int) -> int:
    """ldr dT, [xN|sp, #offset]! (-256..255)"""
    return _ldst_imm9(0xFC400C00, "ldr", rt, rn, offset, fp=True, writeback=True)


def ldr_d_post(rt: int, rn: int, offset: int) -> int:
    """ldr dT, [xN|sp], #offset (-256..255)"""
    return _ldst_imm9(0xFC400400, "ldr", rt, rn, offset, fp=True, writeback=True)


def str_d_pre(rt: int, rn: int, offset: int) -> int:
    """str dT, [xN|sp, #offset]! (-256..255)"""
    return _ldst_imm9(0xFC000C00, "str", rt, rn, offset, fp=True, writeback=True)


def str_d_post(rt: int, rn: int, offset: int) -> int:
    """str dT, [xN|sp], #offset (-256..255)"""
    return _ldst_imm9(0xFC000400, "str", rt, rn, offset, fp=True, writeback=True)


def _ldst_indexed(base: int, insn: str, rt: int, rn: int, rm: int, fp: bool) -> int:
    t = _dreg(insn, "t", rt) if fp else _xreg(insn, "t", rt)
    return (base | _xreg(insn, "index", rm) << 16 | _xreg(insn, "base", rn, sp=True, zr=False) << 5
            | t)


def ldr_x_indexed(rt: int, rn: int, rm: int) -> int:
    """ldr xT, [xN|sp, xM, lsl #3] (element rm of a 64-bit array)"""
    return _ldst_indexed(0xF8607800, "ldr", rt, rn, rm, fp=False)


def str_x_indexed(rt: int, rn: int, rm: int) -> int:
    """str xT, [xN|sp, xM, lsl #3]"""
    return _ldst_indexed(0xF8207800, "str", rt, rn, rm, fp=False)


def ldr_d_indexed(rt: int, rn: int, rm: int) -> int:
    """ldr dT, [xN|sp, xM, lsl #3] (element rm of a double array)"""
    return _ldst_indexed(0xFC607800, "ldr", rt, rn, rm, fp=True)


def str_d_indexed(rt: int, rn: int, rm: int) -> int:
    """str dT, [xN|sp, xM, lsl #3]"""
    return _ldst_indexed(0xFC207800, "str", rt, rn, rm, fp=True)


def str_w_indexed(rt: int, rn: int, rm: int) -> int:
    """str wT, [xN|sp, xM, lsl #2] (element rm of an int32 array)"""
    return (0xB8207800 | _xreg("str", "index", rm) << 16
            | _xreg("str", "base", rn, sp=True, zr=False) << 5 | _xreg("str", "t", rt))


def _ldst_pair(base: int, insn: str, rt: int, rt2: int, rn: int, offset: int, fp: bool,
               load: bool, writeback: bool) -> int:
    if fp:
        t, t2 = _dreg(insn, "t", rt), _dreg(insn, "t2", rt2)
    else:
        t, t2 = _xreg(insn, "t", rt), _xreg(insn, "t2", rt2)
    n = _xreg(insn, "base", rn, sp=True, zr=False)
    if load and rt == rt2:
        raise ValueError(f"{insn}: loading the same register twice is unpredictable")
    if writeback and not fp and rn != SP and rn in (rt, rt2):
        raise ValueError(f"{insn}: writeback base register also transferred is unpredictable")
    imm7 = _scaled_offset(insn, offset, 8, 7, signed=True)
    return base | imm7 << 15 | t2 << 10 | n << 5 | t


def stp_x(rt: int, rt2: int, rn: int, offset: int = 0) -> int:
    """stp xT, xT2, [xN|sp, #offset] (multiple of 8, -512..504)"""
    return _ldst_pair(0xA9000000, "stp", rt, rt2, rn, offset, False, False, False)


def ldp_x(rt: int, rt2: int, rn: int, offset: int = 0) -> int:
    """ldp xT, xT2, [xN|sp, #offset]"""
    return _ldst_pair(0xA9400000, "ldp", rt, rt2, rn, offset, False, True, False)


def stp_x_pre(rt: int, rt2: int, rn: int, offset: int) -> int:
    """stp xT, xT2, [xN|sp, #offset]! (the usual prologue push)"""
    return _ldst_pair(0xA9800000, "stp", rt, rt2, rn, offset, False, False, True)


def ldp_x_post(rt: int, rt2: int, rn: int, offset: int) -> int:
    """ldp xT, xT2, [xN|sp], #offset (the usual epilogue pop)"""
    return _ldst_pair(0xA8C00000, "ldp", rt, rt2, rn, offset, False, True, True)


def stp_x_post(rt: int, rt2: int, rn: int, offset: int) -> int:
    """stp xT, xT2, [xN|sp], #offset"""
    return _ldst_pair(0xA8800000, "stp", rt, rt2, rn, offset, False, False, True)


def ldp_x_pre(rt: int, rt2: int, rn: int, offset: int) -> int:
    """ldp xT, xT2, [xN|sp, #offset]!"""
    return _ldst_pair(0xA9C00000, "ldp", rt, rt2, rn, offset, False, True, True)


def stp_d(rt: int, rt2: int, rn: int, offset: int = 0) -> int:
    """stp dT, dT2, [xN|sp, #offset] (saving callee-saved d8..d15)"""
    return _ldst_pair(0x6D000000, "stp", rt, rt2, rn, offset, True, False, False)


def ldp_d(rt: int, rt2: int, rn: int, offset: int = 0) -> int:
    """ldp dT, dT2, [xN|sp, #offset]"""
    return _ldst_pair(0x6D400000, "ldp", rt, rt2, rn, offset, True, True, False)


def stp_d_pre(rt: int, rt2: int, rn: int, offset: int) -> int:
    """stp dT, dT2, [xN|sp, #offset]!"""
    return _ldst_pair(0x6D800000, "stp", rt, rt2, rn, offset, True, False, True)


def ldp_d_post(rt: int, rt2: int, rn: int, offset: int) -> int:
    """ldp dT, dT2, [xN|sp], #offset"""
    return _ldst_pair(0x6CC00000, "ldp", rt, rt2, rn, offset, True, True, True)


def ldr_x_literal(rt: int, offset: int) -> int:
    """ldr xT, label (pc-relative, multiple of 4 within +-1 MiB)"""
    imm19 = _scaled_offset("ldr", offset, 4, 19, signed=True)
    return 0x58000000 | imm19 << 5 | _xreg("ldr", "t", rt)


def ldr_d_literal(rt: int, offset: int) -> int:
    """ldr dT, label (pc-relative constant pool load, multiple of 4 within +-1 MiB)"""
    imm19 = _scaled_offset("ldr", offset, 4, 19, signed=True)
    return 0x5C000000 | imm19 << 5 | _dreg("ldr", "t", rt)


# ---------------------------------------------------------------------------------------------
# Addresses and branches


def adr(rd: int, offset: int) -> int:
    """adr xD, label (pc-relative byte offset within +-1 MiB)"""
    imm21 = _scaled_offset("adr", offset, 1, 21, signed=True)
    return 0x10000000 | (imm21 & 3) << 29 | (imm21 >> 2) << 5 | _xreg("adr", "d", rd)


def adrp(rd: int, page_offset: int) -> int:
    """adrp xD, label: ``page_offset`` is the distance between 4 KiB pages (+-4 GiB)"""
    imm21 = _scaled_offset("adrp", page_offset, 4096, 21, signed=True)
    return 0x90000000 | (imm21 & 3) << 29 | (imm21 >> 2) << 5 | _xreg("adrp", "d", rd)


def b(offset: int) -> int:
    """b label (multiple of 4 within +-128 MiB)"""
    return 0x14000000 | _scaled_offset("b", offset, 4, 26, signed=True)


def bl(offset: int) -> int:
    """bl label (multiple of 4 within +-128 MiB)"""
    return 0x94000000 | _scaled_offset("bl", offset, 4, 26, signed=True)


def b_cond(cond: int, offset: int) -> int:
    """b.cond label (multiple of 4 within +-1 MiB)"""
    c = _cond("b.cond", cond)
    return 0x54000000 | _scaled_offset("b.cond", offset, 4, 19, signed=True) << 5 | c


def cbz(rt: int, offset: int) -> int:
    """cbz xT, label (multiple of 4 within +-1 MiB)"""
    imm19 = _scaled_offset("cbz", offset, 4, 19, signed=True)
    return 0xB4000000 | imm19 << 5 | _xreg("cbz", "t", rt)


def cbnz(rt: int, offset: int) -> int:
    """cbnz xT, label (multiple of 4 within +-1 MiB)"""
    imm19 = _scaled_offset("cbnz", offset, 4, 19, signed=True)
    return 0xB5000000 | imm19 << 5 | _xreg("cbnz", "t", rt)


def br(rn: int) -> int:
    """br xN"""
    return 0xD61F0000 | _xreg("br", "n", rn) << 5


def blr(rn: int) -> int:
    """blr xN"""
    return 0xD63F0000 | _xreg("blr", "n", rn) << 5


def ret(rn: int = LR) -> int:
    """ret (xN, default x30)"""
    return 0xD65F0000 | _xreg("ret", "n", rn) << 5


def nop() -> int:
    """nop"""
    return 0xD503201F


def brk(imm16: int = 0) -> int:
    """brk #imm16 (software breakpoint; traps)"""
    return 0xD4200000 | _uimm("brk", "immediate", imm16, 16) << 5


# ---------------------------------------------------------------------------------------------
# System instructions (instruction-cache maintenance after writing code)


def mrs_ctr_el0(rt: int) -> int:
    """mrs xT, ctr_el0 (cache type register: line sizes)"""
    return 0xD53B0020 | _xreg("mrs", "t", rt)


def dc_cvau(rt: int) -> int:
    """dc cvau, xT: clean the data cache line holding address xT to the point of unification"""
    return 0xD50B7B20 | _xreg("dc", "t", rt)


def ic_ivau(rt: int) -> int:
    """ic ivau, xT: invalidate the instruction cache line holding address xT"""
    return 0xD50B7520 | _xreg("ic", "t", rt)


def dsb_ish() -> int:
    """dsb ish"""
    return 0xD5033B9F


def isb() -> int:
    """isb"""
    return 0xD5033FDF


def words_to_bytes(words: list[int]) -> bytes:
    """Little-endian machine code for a list of instruction words."""
    out = bytearray()
    for word in words:
        if not 0 <= word <= 0xFFFFFFFF:
            raise ValueError(f"instruction word {word!r} is not 32 bits")
        out += word.to_bytes(4, "little")
    return bytes(out)
