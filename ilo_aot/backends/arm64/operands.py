"""Operands of the AArch64 encoder: register numbers, condition codes, and the range checks
every encoder function applies (raising ``ValueError`` that names the instruction, the operand
and the accepted range).

Registers are plain ints: general registers 0..30, ``XZR`` (31) for the zero register and ``SP``
(a distinct value, encoded as 31) for the stack pointer, so passing the stack pointer where the
encoding would mean the zero register (or the reverse) is an error rather than a silent bug. FP
registers are 0..31 (d0..d31).
"""

from __future__ import annotations

from enum import IntEnum

XZR = 31
SP = 32
FP = 29  # frame pointer x29
LR = 30  # link register x30

MASK64 = (1 << 64) - 1


class Cond(IntEnum):
    """Condition codes for b.cond, csel, cset and fcsel."""

    EQ = 0
    NE = 1
    HS = 2  # also CS
    LO = 3  # also CC
    MI = 4
    PL = 5
    VS = 6
    VC = 7
    HI = 8
    LS = 9
    GE = 10
    LT = 11
    GT = 12
    LE = 13
    AL = 14
    NV = 15

    def invert(self) -> Cond:
        """The opposite condition (EQ <-> NE, GE <-> LT, ...)."""
        if self >= Cond.AL:
            raise ValueError(f"condition {self.name} has no inverse")
        return Cond(self ^ 1)


# ---------------------------------------------------------------------------------------------
# Operand checks


def _xreg(insn: str, role: str, reg: int, *, sp: bool = False, zr: bool = True) -> int:
    """Check a general register operand and return its 5-bit encoding.

    ``sp``: the field means the stack pointer when 31; ``zr``: it means the zero register.
    """
    if not isinstance(reg, int) or isinstance(reg, bool) or not 0 <= reg <= SP:
        raise ValueError(f"{insn}: {role} register {reg!r} is not a general register "
                         f"(0..30, XZR or SP)")
    if reg == SP and not sp:
        raise ValueError(f"{insn}: {role} register cannot be sp here")
    if reg == XZR and not zr:
        raise ValueError(f"{insn}: {role} register cannot be xzr here (31 means sp in this field)")
    return 31 if reg >= XZR else reg


def _dreg(insn: str, role: str, reg: int) -> int:
    if not isinstance(reg, int) or isinstance(reg, bool) or not 0 <= reg <= 31:
        raise ValueError(f"{insn}: {role} register {reg!r} is not an FP register (d0..d31)")
    return reg


def _cond(insn: str, cond: int) -> int:
    if not isinstance(cond, int) or not 0 <= cond <= 15:
        raise ValueError(f"{insn}: condition {cond!r} is not a condition code (0..15)")
    return int(cond)


def _uimm(insn: str, role: str, value: int, bits: int) -> int:
    if not isinstance(value, int) or not 0 <= value < (1 << bits):
        raise ValueError(f"{insn}: {role} {value!r} out of range (0..{(1 << bits) - 1})")
    return value


def _scaled_offset(insn: str, offset: int, scale: int, bits: int, signed: bool) -> int:
    """Check a byte offset that the instruction stores divided by ``scale`` in ``bits`` bits."""
    if signed:
        lo, hi = -(1 << (bits - 1)) * scale, ((1 << (bits - 1)) - 1) * scale
    else:
        lo, hi = 0, ((1 << bits) - 1) * scale
    if not isinstance(offset, int) or not lo <= offset <= hi or offset % scale:
        what = f"a multiple of {scale} " if scale > 1 else ""
        raise ValueError(f"{insn}: offset {offset!r} must be {what}in {lo}..{hi}")
    return (offset // scale) & ((1 << bits) - 1)
