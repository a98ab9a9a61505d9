"""The AArch64 ELF object writer: parsed back by our reader and by readelf, then linked with
Debian's cross compiler and run under qemu-user (skipped when those tools are missing)."""

from __future__ import annotations

import math
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from ilo_aot.backends.arm64 import elf
from ilo_aot.backends.arm64 import encoder as e
from ilo_aot.backends.arm64.asm import Assembler
from ilo_aot.backends.arm64.encoder import SP, Cond
from ilo_aot.backends.arm64.link import DataBlock, FunctionCode, Relocation, RelocKind

CROSS_GCC = "aarch64-linux-gnu-gcc"
QEMU = "qemu-aarch64"
INSTALL_HINT = "run wheels/install-cross-tools.sh to install them"


def f64_bits(value: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", value))[0]


# ---------------------------------------------------------------------------------------------
# The test program: hand-assembled functions covering every relocation kind the emitter uses.


def tot() -> FunctionCode:
    """double tot(double p, double q, double r): p*q + p*q*r, no fused multiply-add."""
    asm = Assembler()
    asm.emit(e.fmul(3, 0, 1), e.fmul(4, 3, 2), e.fadd(0, 3, 4), e.ret())
    return asm.finish("tot")


def wrap_fmod() -> FunctionCode:
    """double wrap_fmod(double x, double y): 2 * fmod(x, y), calling libm through CALL26."""
    asm = Assembler()
    asm.emit(e.stp_x_pre(29, 30, SP, -16), e.mov_reg(29, SP))
    asm.bl_symbol("fmod")
    asm.emit(e.fadd(0, 0, 0), e.ldp_x_post(29, 30, SP, 16), e.ret())
    return asm.finish("wrap_fmod")


def tail_pow() -> FunctionCode:
    """double tail_pow(double x, double y): tail call to pow (JUMP26)."""
    asm = Assembler()
    asm.b_symbol("pow")
    return asm.finish("tail_pow")


def scaled() -> FunctionCode:
    """double scaled(double x): x * factor, factor loaded with adrp + ldr :lo12: (LDST64)."""
    asm = Assembler()
    asm.relocations.append(Relocation(asm.offset, RelocKind.ADR_PREL_PG_HI21, "factor"))
    asm.emit(e.adrp(16, 0))
    asm.relocations.append(Relocation(asm.offset, RelocKind.LDST64_ABS_LO12_NC, "factor"))
    asm.emit(e.ldr_d(1, 16, 0), e.fmul(0, 0, 1), e.ret())
    return asm.finish("scaled")


def table_sum() -> FunctionCode:
    """double table_sum(void): sum of table[1..2], addressed with adrp + add :lo12:."""
    asm = Assembler()
    asm.adrp_add_symbol(16, "table", 8)
    asm.emit(e.ldr_d(0, 16, 0), e.ldr_d(1, 16, 8), e.fadd(0, 0, 1), e.ret())
    return asm.finish("table_sum")


def twice_plus_one() -> FunctionCode:
    """A local (non-exported) function: d0 * 2 + 1."""
    asm = Assembler()
    asm.ldr_d_const(1, 1.0)
    asm.emit(e.fadd(0, 0, 0), e.fadd(0, 0, 1), e.ret())
    return asm.finish("twice_plus_one", exported=False)


def via_pointer() -> FunctionCode:
    """double via_pointer(double x): call through a pointer in .data.rel.ro (ABS64)."""
    asm = Assembler()
    asm.emit(e.stp_x_pre(29, 30, SP, -16), e.mov_reg(29, SP))
    asm.adrp_add_symbol(16, "fn_table")
    asm.emit(e.ldr_x(16, 16, 0), e.blr(16), e.ldp_x_post(29, 30, SP, 16), e.ret())
    return asm.finish("via_pointer")


def fib() -> FunctionCode:
    """double fib(double n): recursive through CALL26 to itself, n kept in callee-saved d8."""
    asm = Assembler()
    base = asm.label()
    asm.emit(e.stp_x_pre(29, 30, SP, -32), e.mov_reg(29, SP), e.stp_d(8, 9, SP, 16))
    asm.ldr_d_const(1, 2.0)
    asm.emit(e.fcmp(0, 1))
    asm.b_cond(Cond.MI, base)
    asm.emit(e.fmov(8, 0), e.fmov_imm(1, 1.0), e.fsub(0, 8, 1))
    asm.bl_symbol("fib")
    asm.emit(e.fmov(9, 0), e.fmov_imm(1, 2.0), e.fsub(0, 8, 1))
    asm.bl_symbol("fib")
    asm.emit(e.fadd(0, 9, 0))
    asm.bind(base)
    asm.emit(e.ldp_d(8, 9, SP, 16), e.ldp_x_post(29, 30, SP, 32), e.ret())
    return asm.finish("fib")


FUNCTIONS = [tot, wrap_fmod, tail_pow, scaled, table_sum, twice_plus_one, via_pointer, fib]
DATA = [
    DataBlock("factor", struct.pack("<d", 0.1)),
    DataBlock("table", struct.pack("<3d", 0.5, 1.25, 2.0e-3), align=16),
    DataBlock("fn_table", bytes(8), relocations=[
        Relocation(0, RelocKind.ABS64, "twice_plus_one")]),
]
EXTERNALS = ["fmod", "pow"]


def program_object(**kwargs: bool) -> bytes:
    return elf.object_bytes([make() for make in FUNCTIONS], EXTERNALS, DATA, **kwargs)


# ---------------------------------------------------------------------------------------------
# Reading the object back


def test_sections_symbols_and_relocations() -> None:
    info = elf.read_object(program_object())
    assert info.machine == elf.EM_AARCH64
    names = [s.name for s in info.sections]
    assert names == ["", ".text", ".rodata", ".data.rel.ro", ".rela.text", ".rela.data.rel.ro",
                     ".symtab", ".strtab", ".note.GNU-stack", ".shstrtab"]
    text = info.section(".text")
    assert text.flags == elf.SHF_ALLOC | elf.SHF_EXECINSTR and text.align == 16
    assert info.section(".rodata").flags == elf.SHF_ALLOC
    assert info.section(".data.rel.ro").flags == elf.SHF_ALLOC | elf.SHF_WRITE
    note = info.section(".note.GNU-stack")
    assert note.size == 0 and note.flags == 0
    assert info.section(".rela.text").info == names.index(".text")
    assert info.section(".rela.text").link == names.index(".symtab")

    # Locals come first; globals start at symtab.info.
    assert all(s.bind == elf.STB_LOCAL for s in info.symbols[:info.first_global])
    assert all(s.bind == elf.STB_GLOBAL for s in info.symbols[info.first_global:])
    fib_sym = info.symbol("fib")
    assert (fib_sym.type, fib_sym.section) == (elf.STT_FUNC, ".text")
    assert fib_sym.size == len(fib().code)
    assert text.data[fib_sym.value:fib_sym.value + fib_sym.size] == fib().code
    assert info.symbol("twice_plus_one").bind == elf.STB_LOCAL
    assert all(info.symbol(n).value % 16 == 0 for n in ("tot", "fib", "scaled"))
    for name in EXTERNALS:
        sym = info.symbol(name)
        assert (sym.section, sym.bind, sym.type) == ("", elf.STB_GLOBAL, elf.STT_NOTYPE)
    table = info.symbol("table")
    assert (table.type, table.section, table.size, table.value % 16) == (
        elf.STT_OBJECT, ".rodata", 24, 0)

    relocs = {(r.type, r.symbol): r for r in info.relocations[".text"]}
    wrap = info.symbol("wrap_fmod").value
    assert relocs[(RelocKind.CALL26, "fmod")].offset == wrap + 8
    assert relocs[(RelocKind.JUMP26, "pow")].offset == info.symbol("tail_pow").value
    assert relocs[(RelocKind.ADD_ABS_LO12_NC, "table")].addend == 8
    assert (RelocKind.ADR_PREL_PG_HI21, "factor") in relocs
    assert (RelocKind.LDST64_ABS_LO12_NC, "factor") in relocs
    assert (RelocKind.CALL26, "fib") in relocs
    [abs64] = info.relocations[".data.rel.ro"]
    assert (abs64.type, abs64.symbol, abs64.offset) == (RelocKind.ABS64, "twice_plus_one", 0)


def test_hidden_visibility() -> None:
    info = elf.read_object(program_object(hidden=True))
    assert info.symbol("tot").visibility == elf.STV_HIDDEN
    assert info.symbol("fmod").visibility == elf.STV_DEFAULT


def test_minimal_object_has_no_optional_sections(tmp_path: Path) -> None:
    path = tmp_path / "one.o"
    elf.write_object([tot()], [], path)
    info = elf.read_object(path.read_bytes())
    assert [s.name for s in info.sections] == ["", ".text", ".symtab", ".strtab",
                                               ".note.GNU-stack", ".shstrtab"]
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_writer_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="refers to 'sin', which is neither defined"):
        elf.object_bytes([FunctionCode("g", e.words_to_bytes([e.bl(0)]),
                                       [Relocation(0, RelocKind.CALL26, "sin")])])
    with pytest.raises(ValueError, match="external 'tot' is also defined"):
        elf.object_bytes([tot()], ["tot"])
    with pytest.raises(ValueError, match="defined twice"):
        elf.object_bytes([tot(), tot()])
    with pytest.raises(ValueError, match="invalid external symbol name"):
        elf.object_bytes([tot()], [""])
    with pytest.raises(ValueError, match="unknown relocation kind 999"):
        elf.object_bytes([FunctionCode("h", e.words_to_bytes([e.ret()]),
                                       [Relocation(0, 999, "h")])])


def test_reader_rejects_garbage() -> None:
    blob = program_object()
    with pytest.raises(elf.ElfFormatError, match="not an ELF file"):
        elf.read_object(b"hello")
    with pytest.raises(elf.ElfFormatError, match="truncated"):
        elf.read_object(blob[:200])
    with pytest.raises(elf.ElfFormatError, match="64-bit little-endian"):
        elf.read_object(blob[:4] + b"\x01" + blob[5:])


READELF = shutil.which("readelf") or shutil.which("aarch64-linux-gnu-readelf")


@pytest.mark.skipif(READELF is None, reason="readelf is not installed")
def test_readelf_agrees(tmp_path: Path) -> None:
    path = tmp_path / "prog.o"
    path.write_bytes(program_object())
    out = subprocess.run([READELF, "-W", "-h", "-S", "-s", "-r", str(path)], check=True,
                         capture_output=True, text=True)
    assert not out.stderr.strip(), out.stderr
    text = out.stdout
    assert "REL (Relocatable file)" in text and "AArch64" in text
    for section in (".text", ".rodata", ".data.rel.ro", ".rela.text", ".note.GNU-stack"):
        assert f" {section} " in text
    for kind in ("R_AARCH64_CALL26", "R_AARCH64_JUMP26", "R_AARCH64_ADR_PREL_PG_HI21",
                 "R_AARCH64_ADD_ABS_LO12_NC", "R_AARCH64_LDST64_ABS_LO12_NC",
                 "R_AARCH64_ABS64"):
        assert kind in text
    symbol_lines = [line.split() for line in text.splitlines() if line.strip().endswith(" fib")]
    assert any(f[3:5] == ["FUNC", "GLOBAL"] and int(f[2]) == len(fib().code)
               for f in symbol_lines)
    assert any(line.split()[-2:] == ["UND", "fmod"] for line in text.splitlines())


# ---------------------------------------------------------------------------------------------
# Linking with the cross toolchain and running under qemu-user

DRIVER = r"""
#include <stdio.h>
#include <string.h>
double tot(double, double, double);
double wrap_fmod(double, double);
double tail_pow(double, double);
double scaled(double);
double table_sum(void);
double via_pointer(double);
double fib(double);
static void show(const char *name, double value) {
    unsigned long long bits;
    memcpy(&bits, &value, sizeof bits);
    printf("%s %016llx\n", name, bits);
}
int main(void) {
    show("tot", tot(10.0, 20.0, 30.0));
    show("tot2", tot(0.1, 0.7, 3.3));
    show("wrap_fmod", wrap_fmod(7.5, 2.0));
    show("wrap_fmod_neg", wrap_fmod(-7.5, 0.1));
    show("tail_pow", tail_pow(1.5, 3.0));
    show("scaled", scaled(3.0));
    show("table_sum", table_sum());
    show("via_pointer", via_pointer(20.25));
    show("fib", fib(20.0));
    return 0;
}
"""


def expected_lines() -> list[str]:
    expected = {
        "tot": 10.0 * 20.0 + 10.0 * 20.0 * 30.0,
        "tot2": 0.1 * 0.7 + 0.1 * 0.7 * 3.3,
        "wrap_fmod": 2 * math.fmod(7.5, 2.0),
        "wrap_fmod_neg": 2 * math.fmod(-7.5, 0.1),
        "tail_pow": 3.375,
        "scaled": 3.0 * 0.1,
        "table_sum": 1.25 + 2.0e-3,
        "via_pointer": 20.25 * 2 + 1.0,
        "fib": 6765.0,
    }
    return [f"{name} {f64_bits(value):016x}" for name, value in expected.items()]


def cross_tools() -> tuple[str, str, str]:
    """(cross gcc, qemu, sysroot for qemu -L), or skip the test with the reason."""
    gcc, qemu = shutil.which(CROSS_GCC), shutil.which(QEMU)
    if gcc is None or qemu is None:
        missing = " and ".join(n for n, p in ((CROSS_GCC, gcc), (QEMU, qemu)) if p is None)
        pytest.skip(f"{missing} not installed; {INSTALL_HINT}")
    sysroot = os.environ.get("QEMU_LD_PREFIX")
    if not sysroot:
        libc = subprocess.run([gcc, "-print-file-name=libc.so.6"], capture_output=True,
                              text=True).stdout.strip()
        if not os.path.isabs(libc):
            pytest.skip(f"{CROSS_GCC} has no aarch64 C library; {INSTALL_HINT}")
        sysroot = str(Path(libc).resolve().parent.parent)
    return gcc, qemu, sysroot


def test_link_and_run_under_qemu(tmp_path: Path) -> None:
    gcc, qemu, sysroot = cross_tools()
    obj = tmp_path / "kernels.o"
    elf.write_object([make() for make in FUNCTIONS], EXTERNALS, obj, DATA)
    driver = tmp_path / "driver.c"
    driver.write_text(DRIVER)
    exe = tmp_path / "prog"
    subprocess.run([gcc, "-O1", "-o", str(exe), str(driver), str(obj), "-lm"], check=True,
                   capture_output=True, text=True)
    run = subprocess.run([qemu, "-L", sysroot, str(exe)], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:-1] == expected_lines()


def test_links_into_a_shared_object_without_text_relocations(tmp_path: Path) -> None:
    gcc, _, _ = cross_tools()
    obj = tmp_path / "kernels.o"
    elf.write_object([make() for make in FUNCTIONS], EXTERNALS, obj, DATA, hidden=True)
    lib = tmp_path / "libkernels.so"
    link = subprocess.run([gcc, "-shared", "-Wl,-z,text", "-o", str(lib), str(obj), "-lm"],
                          capture_output=True, text=True)
    assert link.returncode == 0, link.stderr
    assert link.stderr == ""
