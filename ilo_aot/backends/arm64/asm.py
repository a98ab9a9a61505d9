"""A small assembler buffer: instruction words, labels with patched forward branches,
relocations against symbols, and a per-function pool of 64-bit constants.

Used by the code generator and by tests that hand-assemble functions.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from . import encoder as enc
from .link import FunctionCode, Relocation, RelocKind


@dataclass
class Label:
    """A position in the code, bound once with ``Assembler.bind``."""

    name: str
    offset: int | None = None


@dataclass
class _Fixup:
    index: int  # word index of the branch to patch
    label: Label
    encode: Callable[[int], int]  # byte offset -> finished instruction word


class Assembler:
    """Collects the code of one function. ``finish`` patches branches and appends constants."""

    def __init__(self) -> None:
        self.words: list[int] = []
        self.relocations: list[Relocation] = []
        self._fixups: list[_Fixup] = []
        self._pool: dict[int, list[int]] = {}  # constant bits -> word indexes of its loads
        self._labels = 0

    @property
    def offset(self) -> int:
        """Byte offset of the next instruction."""
        return 4 * len(self.words)

    def emit(self, *words: int) -> None:
        """Append finished instruction words."""
        for word in words:
            if not 0 <= word <= 0xFFFFFFFF:
                raise ValueError(f"instruction word {word!r} is not 32 bits")
            self.words.append(word)

    def label(self, name: str = "") -> Label:
        """A new, unbound label."""
        self._labels += 1
        return Label(name or f"L{self._labels}")

    def bind(self, label: Label) -> None:
        """Bind ``label`` to the current position."""
        if label.offset is not None:
            raise ValueError(f"label {label.name} is bound twice")
        label.offset = self.offset

    def _branch(self, label: Label, encode: Callable[[int], int]) -> None:
        if label.offset is not None:
            self.words.append(encode(label.offset - self.offset))
        else:
            self._fixups.append(_Fixup(len(self.words), label, encode))
            self.words.append(enc.nop())

    def b(self, label: Label) -> None:
        """b label"""
        self._branch(label, enc.b)

    def b_cond(self, cond: int, label: Label) -> None:
        """b.cond label"""
        self._branch(label, lambda off: enc.b_cond(cond, off))

    def cbz(self, rt: int, label: Label) -> None:
        """cbz xT, label"""
        self._branch(label, lambda off: enc.cbz(rt, off))

    def cbnz(self, rt: int, label: Label) -> None:
        """cbnz xT, label"""
        self._branch(label, lambda off: enc.cbnz(rt, off))

    def adr(self, rd: int, label: Label) -> None:
        """adr xD, label"""
        self._branch(label, lambda off: enc.adr(rd, off))

    def bl_symbol(self, symbol: str) -> None:
        """bl symbol, resolved by the linker (R_AARCH64_CALL26)."""
        self.relocations.append(Relocation(self.offset, RelocKind.CALL26, symbol))
        self.words.append(enc.bl(0))

    def b_symbol(self, symbol: str) -> None:
        """b symbol (tail call), resolved by the linker (R_AARCH64_JUMP26)."""
        self.relocations.append(Relocation(self.offset, RelocKind.JUMP26, symbol))
        self.words.append(enc.b(0))

    def adrp_add_symbol(self, rd: int, symbol: str, addend: int = 0) -> None:
        """xD = address of symbol + addend (adrp + add with the two page relocations)."""
        self.relocations.append(Relocation(self.offset, RelocKind.ADR_PREL_PG_HI21, symbol, addend))
        self.words.append(enc.adrp(rd, 0))
        self.relocations.append(Relocation(self.offset, RelocKind.ADD_ABS_LO12_NC, symbol, addend))
        self.words.append(enc.add_imm(rd, rd, 0))

    def ldr_d_const(self, rt: int, value: float) -> None:
        """dT = value, from the constant pool (or one fmov when the value is encodable)."""
        bits = struct.unpack("<Q", struct.pack("<d", value))[0]
        if bits != 0 and enc.fmov_imm_encodable(value):
            self.emit(enc.fmov_imm(rt, value))
            return
        if bits == 0:
            self.emit(enc.fmov_from_gpr(rt, enc.XZR))
            return
        self._pool.setdefault(bits, []).append(len(self.words))
        enc.ldr_d_literal(rt, 0)  # operand check now, not at finish
        self.words.append(enc.ldr_d_literal(rt, 0))

    def finish(self, name: str, *, exported: bool = True) -> FunctionCode:
        """Patch branches, append the constant pool (8-byte aligned) and return the code."""
        for fix in self._fixups:
            if fix.label.offset is None:
                raise ValueError(f"{name}: label {fix.label.name} is used but never bound")
            self.words[fix.index] = fix.encode(fix.label.offset - 4 * fix.index)
        self._fixups.clear()
        if self._pool and len(self.words) % 2:
            self.words.append(enc.nop())
        for bits, users in self._pool.items():
            where = 4 * len(self.words)
            for index in users:
                rt = self.words[index] & 0x1F
                self.words[index] = enc.ldr_d_literal(rt, where - 4 * index)
            self.words += [bits & 0xFFFFFFFF, bits >> 32]
        self._pool.clear()
        return FunctionCode(name, enc.words_to_bytes(self.words), list(self.relocations),
                            exported)
