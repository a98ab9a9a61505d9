"""ELF64 relocatable object files for AArch64 (little endian): a writer and a small reader.

The writer turns ``FunctionCode``/``DataBlock`` objects into a ``.o`` that the platform linker
(``aarch64-linux-gnu-gcc``, ``ld``) accepts: ``.text``, ``.rodata`` (constants),
``.data.rel.ro`` (data holding addresses), their ``.rela.*`` sections,
``.symtab``/``.strtab``/``.shstrtab`` and an empty ``.note.GNU-stack`` (the code needs no
executable stack). Exported functions become global ``STT_FUNC`` symbols with
sizes; externals (libm ``fmod``, runtime helpers) become undefined global symbols.

The reader parses such files back (sections, symbols, relocations) for tests and tools.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field

from .link import TEXT_ALIGN, DataBlock, FunctionCode, RelocKind, align_up, check_code_objects

EM_AARCH64 = 183
ET_REL = 1

SHT_NULL, SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_RELA = 0, 1, 2, 3, 4
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR, SHF_INFO_LINK = 0x1, 0x2, 0x4, 0x40
STB_LOCAL, STB_GLOBAL = 0, 1
STT_NOTYPE, STT_OBJECT, STT_FUNC, STT_SECTION = 0, 1, 2, 3
STV_DEFAULT, STV_HIDDEN = 0, 2
SHN_UNDEF = 0

_EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
_SHDR = struct.Struct("<IIQQQQIIQQ")
_SYM = struct.Struct("<IBBHQQ")
_RELA = struct.Struct("<QQq")

_NOP = (0xD503201F).to_bytes(4, "little")


class ElfFormatError(ValueError):
    """The bytes are not an ELF64 little-endian AArch64 relocatable object this reader knows."""


class _StringTable:
    def __init__(self) -> None:
        self.data = bytearray(b"\0")
        self._index: dict[str, int] = {"": 0}

    def add(self, name: str) -> int:
        if name not in self._index:
            self._index[name] = len(self.data)
            self.data += name.encode("utf-8") + b"\0"
        return self._index[name]


@dataclass
class _Section:
    name: str
    type: int
    flags: int = 0
    data: bytes = b""
    align: int = 1
    link: int = 0
    info: int = 0
    entsize: int = 0


@dataclass
class _Placed:
    """A function or data block placed in an output section."""

    name: str
    size: int
    offset: int
    relocations: list
    exported: bool
    kind: int  # STT_FUNC or STT_OBJECT


@dataclass
class _Content:
    """A section with code or data: where each item went and the relocations it carries."""

    section: _Section
    items: list[_Placed] = field(default_factory=list)
    index: int = 0


def _layout(functions: list[FunctionCode], data: list[DataBlock]) -> list[_Content]:
    text = _Content(_Section(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, b"", TEXT_ALIGN))
    code = bytearray()
    for fn in functions:
        code += _NOP * ((align_up(len(code), TEXT_ALIGN) - len(code)) // 4)
        text.items.append(_Placed(fn.name, len(fn.code), len(code), fn.relocations,
                                  fn.exported, STT_FUNC))
        code += fn.code
    text.section.data = bytes(code)
    contents = [text]
    # Data holding absolute addresses goes to .data.rel.ro: the dynamic linker must patch it
    # in shared objects (extension modules), which it cannot do in read-only .rodata.
    for name, flags, blocks in (
            (".rodata", SHF_ALLOC, [d for d in data if not d.relocations]),
            (".data.rel.ro", SHF_ALLOC | SHF_WRITE, [d for d in data if d.relocations])):
        if not blocks:
            continue
        content = _Content(_Section(name, SHT_PROGBITS, flags, b"", 1))
        buf = bytearray()
        for block in blocks:
            buf += bytes(align_up(len(buf), block.align) - len(buf))
            content.items.append(_Placed(block.name, len(block.data), len(buf),
                                         block.relocations, block.exported, STT_OBJECT))
            content.section.align = max(content.section.align, block.align)
            buf += block.data
        content.section.data = bytes(buf)
        contents.append(content)
    return contents


def object_bytes(functions: list[FunctionCode], externals: Iterable[str] = (),
                 data: list[DataBlock] | None = None, *, hidden: bool = False) -> bytes:
    """An ELF64 AArch64 relocatable object with these functions, data and external symbols.

    Every symbol a relocation names must be a function, a data block or an external;
    anything else raises ``ValueError``. ``hidden`` gives exported symbols hidden visibility
    (global within a shared object, not exported from it).
    """
    data = list(data or [])
    externals = list(dict.fromkeys(externals))
    check_code_objects(functions, data)
    defined = {f.name for f in functions} | {d.name for d in data}
    for name in externals:
        if not isinstance(name, str) or not name or "\0" in name:
            raise ValueError(f"invalid external symbol name {name!r}")
        if name in defined:
            raise ValueError(f"external {name!r} is also defined in this object")
    known = defined | set(externals)
    for owner, relocs in [(f.name, f.relocations) for f in functions] + [
            (d.name, d.relocations) for d in data]:
        for rel in relocs:
            if rel.symbol not in known:
                raise ValueError(f"{owner}: relocation refers to {rel.symbol!r}, which is "
                                 f"neither defined here nor listed as an external")
            if rel.kind not in RelocKind.__members__.values():
                raise ValueError(f"{owner}: unknown relocation kind {rel.kind!r}")

    contents = _layout(functions, data)
    sections: list[_Section] = [_Section("", SHT_NULL)]
    for content in contents:
        content.index = len(sections)
        sections.append(content.section)

    # Symbols: locals first (null, section symbols, local definitions), then globals.
    strtab = _StringTable()
    symbols: list[bytes] = [_SYM.pack(0, 0, 0, 0, 0, 0)]
    index_of: dict[str, int] = {}
    other = STV_HIDDEN if hidden else STV_DEFAULT
    for content in contents:
        symbols.append(_SYM.pack(0, STB_LOCAL << 4 | STT_SECTION, 0, content.index, 0, 0))
    first_global = 0
    for exported in (False, True):
        if exported:
            first_global = len(symbols)
        for content in contents:
            for item in content.items:
                if item.exported == exported:
                    index_of[item.name] = len(symbols)
                    symbols.append(_SYM.pack(
                        strtab.add(item.name), (STB_GLOBAL if exported else STB_LOCAL) << 4
                        | item.kind, other if exported else STV_DEFAULT, content.index,
                        item.offset, item.size))
    for name in externals:
        index_of[name] = len(symbols)
        symbols.append(_SYM.pack(strtab.add(name), STB_GLOBAL << 4 | STT_NOTYPE, STV_DEFAULT,
                                 SHN_UNDEF, 0, 0))

    with_relocs = [c for c in contents if any(item.relocations for item in c.items)]
    symtab_index = len(sections) + len(with_relocs)
    for content in with_relocs:
        out = bytearray()
        for item in content.items:
            for rel in item.relocations:
                info = index_of[rel.symbol] << 32 | int(rel.kind)
                out += _RELA.pack(item.offset + rel.offset, info, rel.addend)
        sections.append(_Section(".rela" + content.section.name, SHT_RELA, SHF_INFO_LINK,
                                 bytes(out), 8, symtab_index, content.index, _RELA.size))
    sections.append(_Section(".symtab", SHT_SYMTAB, 0, b"".join(symbols), 8,
                             symtab_index + 1, first_global, _SYM.size))
    sections.append(_Section(".strtab", SHT_STRTAB, 0, bytes(strtab.data), 1))
    sections.append(_Section(".note.GNU-stack", SHT_PROGBITS, 0, b"", 1))
    shstrtab = _StringTable()
    names = [shstrtab.add(s.name) for s in sections]
    names.append(shstrtab.add(".shstrtab"))
    sections.append(_Section(".shstrtab", SHT_STRTAB, 0, b"", 1))
    sections[-1].data = bytes(shstrtab.data)
    return _assemble(sections, names, len(sections) - 1)


def _assemble(sections: list[_Section], names: list[int], shstrndx: int) -> bytes:
    out = bytearray(_EHDR.size)
    offsets = []
    for section in sections:
        out += bytes(align_up(len(out), max(section.align, 1)) - len(out))
        offsets.append(len(out))
        out += section.data
    out += bytes(align_up(len(out), 8) - len(out))
    shoff = len(out)
    for section, name, offset in zip(sections, names, offsets, strict=True):
        size = len(section.data)
        out += _SHDR.pack(name, section.type, section.flags, 0,
                          offset if section.type != SHT_NULL else 0, size, section.link,
                          section.info, section.align if section.type != SHT_NULL else 0,
                          section.entsize)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)  # 64-bit, little endian, v1, SysV
    _EHDR.pack_into(out, 0, ident, ET_REL, EM_AARCH64, 1, 0, 0, shoff, 0, _EHDR.size, 0, 0,
                    _SHDR.size, len(sections), shstrndx)
    return bytes(out)


def write_object(functions: list[FunctionCode], externals: Iterable[str],
                 path: str | os.PathLike, data: list[DataBlock] | None = None, *,
                 hidden: bool = False) -> None:
    """Write ``object_bytes(functions, externals, data, hidden=hidden)`` to ``path``
    (atomically: a temporary file renamed into place)."""
    blob = object_bytes(functions, externals, data, hidden=hidden)
    tmp = f"{os.fspath(path)}.tmp{os.getpid()}"
    try:
        with open(tmp, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------------------------------------
# Reader


@dataclass
class SectionInfo:
    """One section header with its contents."""

    name: str
    type: int
    flags: int
    offset: int
    size: int
    align: int
    link: int
    info: int
    entsize: int
    data: bytes


@dataclass
class SymbolInfo:
    """One symbol table entry; ``section`` is the section name or "" when undefined."""

    name: str
    value: int
    size: int
    bind: int
    type: int
    section: str
    visibility: int = STV_DEFAULT


@dataclass
class RelocationInfo:
    """One RELA entry with its type number and symbol name."""

    offset: int
    type: int
    symbol: str
    addend: int


@dataclass
class ObjectInfo:
    """The parts of a relocatable object this reader understands."""

    machine: int
    sections: list[SectionInfo]
    symbols: list[SymbolInfo]
    first_global: int
    relocations: dict[str, list[RelocationInfo]] = field(default_factory=dict)

    def section(self, name: str) -> SectionInfo:
        """The section called ``name`` (KeyError if missing)."""
        for section in self.sections:
            if section.name == name:
                return section
        raise KeyError(name)

    def symbol(self, name: str) -> SymbolInfo:
        """The symbol called ``name`` (KeyError if missing)."""
        for symbol in self.symbols:
            if symbol.name == name:
                return symbol
        raise KeyError(name)


def _cstring(blob: bytes, offset: int) -> str:
    end = blob.find(b"\0", offset)
    if offset >= len(blob) or end < 0:
        raise ElfFormatError(f"string offset {offset} is outside its string table")
    return blob[offset:end].decode("utf-8", "replace")


def read_object(blob: bytes) -> ObjectInfo:
    """Parse an ELF64 little-endian AArch64 relocatable object."""
    if len(blob) < _EHDR.size or blob[:4] != b"\x7fELF":
        raise ElfFormatError("not an ELF file")
    if blob[4] != 2 or blob[5] != 1:
        raise ElfFormatError("not a 64-bit little-endian ELF file")
    (_, etype, machine, _, _, _, shoff, _, _, _, _, shentsize, shnum,
     shstrndx) = _EHDR.unpack_from(blob, 0)
    if etype != ET_REL:
        raise ElfFormatError(f"ELF type {etype} is not a relocatable object")
    if shentsize != _SHDR.size or shoff + shnum * _SHDR.size > len(blob) or shstrndx >= shnum:
        raise ElfFormatError("section header table is truncated or malformed")
    raw = [_SHDR.unpack_from(blob, shoff + i * _SHDR.size) for i in range(shnum)]
    for _name, stype, _, _, offset, size, *_ in raw:
        if stype != 8 and offset + size > len(blob):  # SHT_NOBITS has no file contents
            raise ElfFormatError("a section extends past the end of the file")
    shstr = blob[raw[shstrndx][4]:raw[shstrndx][4] + raw[shstrndx][5]]
    sections = [SectionInfo(_cstring(shstr, r[0]) if i else "", r[1], r[2], r[4], r[5], r[8],
                            r[6], r[7], r[9], blob[r[4]:r[4] + r[5]] if r[1] != 8 else b"")
                for i, r in enumerate(raw)]
    symbols: list[SymbolInfo] = []
    first_global = 0
    symtab = next((s for s in sections if s.type == SHT_SYMTAB), None)
    if symtab is not None:
        if symtab.link >= len(sections) or symtab.entsize != _SYM.size:
            raise ElfFormatError("symbol table header is malformed")
        names = sections[symtab.link].data
        first_global = symtab.info
        for i in range(len(symtab.data) // _SYM.size):
            name, info, other, shndx, value, size = _SYM.unpack_from(symtab.data,
                                                                     i * _SYM.size)
            where = sections[shndx].name if 0 < shndx < len(sections) else ""
            symbols.append(SymbolInfo(_cstring(names, name), value, size, info >> 4, info & 15,
                                      where, other & 3))
    relocations: dict[str, list[RelocationInfo]] = {}
    for section in sections:
        if section.type != SHT_RELA:
            continue
        if section.info >= len(sections) or section.entsize != _RELA.size:
            raise ElfFormatError(f"{section.name}: malformed relocation section header")
        entries = []
        for i in range(len(section.data) // _RELA.size):
            offset, info, addend = _RELA.unpack_from(section.data, i * _RELA.size)
            if info >> 32 >= len(symbols):
                raise ElfFormatError(f"{section.name}: symbol index {info >> 32} out of range")
            entries.append(RelocationInfo(offset, info & 0xFFFFFFFF, symbols[info >> 32].name,
                                          addend))
        relocations[sections[section.info].name] = entries
    return ObjectInfo(machine, sections, symbols, first_global, relocations)
