"""Code objects with relocations, and an in-memory linker for them.

The emitter produces ``FunctionCode`` (machine code plus the relocations it needs) and
``DataBlock`` (read-only data such as constant pools). Two consumers take them: the ELF writer
(``elf.py``) records the relocations for the platform linker, and ``link_image`` here resolves
them itself for code run in-process (``execmem.py``) or in the emulator (``emulate.py``).

Relocation semantics are those of the ELF for the Arm 64-bit Architecture (S = symbol address,
A = addend, P = address of the place being patched, Page(x) = x & ~0xfff).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from enum import IntEnum

from . import encoder

TEXT_ALIGN = 16


class RelocKind(IntEnum):
    """AArch64 ELF relocation types the emitter uses (values are the ELF numbers)."""

    ABS64 = 257
    PREL32 = 261
    LD_PREL_LO19 = 273
    ADR_PREL_LO21 = 274
    ADR_PREL_PG_HI21 = 275
    ADD_ABS_LO12_NC = 277
    CONDBR19 = 280
    JUMP26 = 282
    CALL26 = 283
    LDST64_ABS_LO12_NC = 286


@dataclass(frozen=True)
class Relocation:
    """A reference from ``offset`` (bytes into the owning code or data) to ``symbol`` + addend."""

    offset: int
    kind: RelocKind
    symbol: str
    addend: int = 0


@dataclass
class FunctionCode:
    """Machine code of one function. ``exported`` functions get global symbols."""

    name: str
    code: bytes
    relocations: list[Relocation] = field(default_factory=list)
    exported: bool = True


@dataclass
class DataBlock:
    """Read-only data (constants, tables) with an alignment and optional relocations."""

    name: str
    data: bytes
    align: int = 8
    relocations: list[Relocation] = field(default_factory=list)
    exported: bool = False


@dataclass
class LinkedImage:
    """Code and data laid out for loading at ``base``; ``symbols`` maps names to addresses."""

    base: int
    image: bytes
    symbols: dict[str, int]
    sizes: dict[str, int]


class LinkError(ValueError):
    """A relocation that cannot be resolved (unknown symbol, target out of range)."""


def align_up(value: int, alignment: int) -> int:
    """Round ``value`` up to a multiple of ``alignment`` (a power of two)."""
    return (value + alignment - 1) & ~(alignment - 1)


def check_code_objects(functions: list[FunctionCode], data: list[DataBlock]) -> None:
    """Reject duplicate names, code that is not whole instructions and bad relocations."""
    seen: set[str] = set()
    for item in [*functions, *data]:
        if not item.name or "\0" in item.name:
            raise ValueError(f"invalid symbol name {item.name!r}")
        if item.name in seen:
            raise ValueError(f"symbol {item.name!r} is defined twice")
        seen.add(item.name)
    for fn in functions:
        if len(fn.code) % 4:
            raise ValueError(f"function {fn.name!r}: code size {len(fn.code)} is not a "
                             f"multiple of 4")
    for block in data:
        if block.align <= 0 or block.align & (block.align - 1):
            raise ValueError(f"data {block.name!r}: alignment {block.align} is not a power of 2")
    for owner, size, relocs in [(f.name, len(f.code), f.relocations) for f in functions] + [
            (d.name, len(d.data), d.relocations) for d in data]:
        for rel in relocs:
            width = 8 if rel.kind == RelocKind.ABS64 else 4
            if not 0 <= rel.offset <= size - width:
                raise ValueError(f"{owner}: relocation at offset {rel.offset} is outside "
                                 f"its {size} bytes")


def _page(address: int) -> int:
    return address & ~0xFFF


def _patch_imm19(word: int, delta: int, what: str) -> int:
    if delta % 4 or not -(1 << 20) <= delta < (1 << 20):
        raise LinkError(f"{what}: target {delta:+#x} bytes away is out of range (+-1 MiB)")
    return (word & ~(0x7FFFF << 5)) | ((delta >> 2) & 0x7FFFF) << 5


def _patch_adr(word: int, imm21: int) -> int:
    imm21 &= 0x1FFFFF
    return (word & ~(0x3 << 29 | 0x7FFFF << 5)) | (imm21 & 3) << 29 | (imm21 >> 2) << 5


def apply_relocation(buf: bytearray, offset: int, kind: RelocKind, place: int,
                     target: int) -> None:
    """Patch ``buf`` at ``offset`` (loaded at address ``place``) to refer to ``target`` (S + A)."""
    if kind == RelocKind.ABS64:
        buf[offset:offset + 8] = struct.pack("<Q", target & encoder.MASK64)
        return
    word = struct.unpack_from("<I", buf, offset)[0]
    delta = target - place
    if kind == RelocKind.PREL32:
        if not -(1 << 31) <= delta < (1 << 31):
            raise LinkError(f"PREL32: target {delta:+#x} bytes away is out of range")
        word = delta & 0xFFFFFFFF
    elif kind in (RelocKind.CALL26, RelocKind.JUMP26):
        if delta % 4 or not -(1 << 27) <= delta < (1 << 27):
            raise LinkError(f"{kind.name}: target {delta:+#x} bytes away is out of range "
                            f"(+-128 MiB)")
        word = (word & 0xFC000000) | ((delta >> 2) & 0x3FFFFFF)
    elif kind in (RelocKind.CONDBR19, RelocKind.LD_PREL_LO19):
        word = _patch_imm19(word, delta, kind.name)
    elif kind == RelocKind.ADR_PREL_LO21:
        if not -(1 << 20) <= delta < (1 << 20):
            raise LinkError(f"ADR_PREL_LO21: target {delta:+#x} bytes away is out of range")
        word = _patch_adr(word, delta)
    elif kind == RelocKind.ADR_PREL_PG_HI21:
        pages = (_page(target) - _page(place)) >> 12
        if not -(1 << 20) <= pages < (1 << 20):
            raise LinkError("ADR_PREL_PG_HI21: target page is out of range (+-4 GiB)")
        word = _patch_adr(word, pages)
    elif kind == RelocKind.ADD_ABS_LO12_NC:
        word = (word & ~(0xFFF << 10)) | (target & 0xFFF) << 10
    elif kind == RelocKind.LDST64_ABS_LO12_NC:
        if target & 7:
            raise LinkError(f"LDST64_ABS_LO12_NC: target {target:#x} is not 8-byte aligned")
        word = (word & ~(0xFFF << 10)) | ((target & 0xFFF) >> 3) << 10
    else:
        raise LinkError(f"unsupported relocation kind {kind!r}")
    struct.pack_into("<I", buf, offset, word)


VENEER_SIZE = 16


def _veneer(address: int) -> bytes:
    """ldr x16, #8; br x16; .quad address: reaches any 64-bit address."""
    return encoder.words_to_bytes([encoder.ldr_x_literal(16, 8), encoder.br(16)]) + struct.pack(
        "<Q", address & encoder.MASK64)


def link_image(functions: list[FunctionCode], data: list[DataBlock] | None = None,
               externals: dict[str, int] | None = None, base: int = 0) -> LinkedImage:
    """Lay out functions, then data, then one veneer per called external, and resolve every
    relocation for loading at ``base`` (page aligned). ``externals`` maps external names to
    absolute addresses; calls reach them through the veneers, so any address works."""
    data = list(data or [])
    externals = dict(externals or {})
    check_code_objects(functions, data)
    if base % 4096:
        raise ValueError(f"image base {base:#x} is not page aligned")
    symbols: dict[str, int] = {}
    sizes: dict[str, int] = {}
    image = bytearray()
    placements: list[tuple[int, list[Relocation], str]] = []
    for fn in functions:
        pad = align_up(len(image), TEXT_ALIGN) - len(image)
        image += encoder.words_to_bytes([encoder.nop()] * (pad // 4))
        symbols[fn.name] = base + len(image)
        sizes[fn.name] = len(fn.code)
        placements.append((len(image), fn.relocations, fn.name))
        image += fn.code
    for block in data:
        image += bytes(align_up(len(image), block.align) - len(image))
        symbols[block.name] = base + len(image)
        sizes[block.name] = len(block.data)
        placements.append((len(image), block.relocations, block.name))
        image += block.data
    called = sorted({rel.symbol for _, relocs, _ in placements for rel in relocs
                     if rel.symbol not in symbols})
    image += bytes(align_up(len(image), 8) - len(image))
    veneers: dict[str, int] = {}
    for name in called:
        if name not in externals:
            raise LinkError(f"undefined symbol {name!r}")
        veneers[name] = base + len(image)
        image += _veneer(externals[name])
    for start, relocs, owner in placements:
        for rel in relocs:
            if rel.symbol in symbols:
                target = symbols[rel.symbol]
            elif rel.kind in (RelocKind.CALL26, RelocKind.JUMP26):
                target = veneers[rel.symbol]
            else:
                target = externals[rel.symbol]
            try:
                apply_relocation(image, start + rel.offset, rel.kind, base + start + rel.offset,
                                 target + rel.addend)
            except LinkError as exc:
                raise LinkError(f"{owner}+{rel.offset:#x} -> {rel.symbol}: {exc}") from None
    return LinkedImage(base=base, image=bytes(image), symbols=symbols, sizes=sizes)
