"""Executable memory for the AArch64 backend: the error path on other hosts, W^X mapping,
the cache-flush routine (in the emulator), and real calls on aarch64 hosts."""

from __future__ import annotations

import ctypes
import struct
import sys

import pytest

from ilo_aot.backends.arm64 import encoder as e
from ilo_aot.backends.arm64 import execmem
from ilo_aot.backends.arm64.asm import Assembler
from ilo_aot.backends.arm64.encoder import SP


def tot_code():
    asm = Assembler()
    asm.emit(e.fmul(3, 0, 1), e.fmul(4, 3, 2), e.fadd(0, 3, 4), e.ret())
    return asm.finish("tot")


def fmod_code():
    asm = Assembler()
    asm.emit(e.stp_x_pre(29, 30, SP, -16), e.mov_reg(29, SP))
    asm.bl_symbol("fmod")
    asm.emit(e.ldp_x_post(29, 30, SP, 16), e.ret())
    return asm.finish("call_fmod")


@pytest.mark.skipif(execmem.host_is_aarch64(), reason="tests the non-aarch64 error path")
def test_other_hosts_get_a_clear_error() -> None:
    with pytest.raises(execmem.UnsupportedHostError, match=r"cannot run code on this .* host"):
        execmem.load_image([tot_code()])


def _permissions(address: int) -> str | None:
    with open("/proc/self/maps") as maps:
        for line in maps:
            span, perms = line.split()[:2]
            start, end = (int(x, 16) for x in span.split("-"))
            if start <= address < end:
                return perms
    return None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_region_is_written_then_sealed_read_execute() -> None:
    image = e.words_to_bytes([e.nop()] * 5000)  # more than one page
    region = execmem.ExecutableRegion.reserve(len(image))
    assert region.size % execmem.PAGE == 0 and region.size >= len(image)
    assert _permissions(region.address) == "rw-p"
    region.write_and_seal(image)
    assert _permissions(region.address) == "r-xp"  # never writable and executable at once
    assert _permissions(region.address + region.size - 1) == "r-xp"
    assert ctypes.string_at(region.address, len(image)) == image
    with pytest.raises(ValueError, match="does not fit"):
        region.write_and_seal(image * 2)
    address = region.address
    region.close()
    assert _permissions(address) is None


def test_cache_flush_routine_runs_in_the_emulator() -> None:
    pytest.importorskip("unicorn")
    from ilo_aot.backends.arm64.emulate import Emulator

    routine = execmem.cache_flush_routine()
    words = struct.unpack(f"<{len(routine.code) // 4}I", routine.code)
    assert e.dc_cvau(8) in words and e.ic_ivau(8) in words and words[-1] == e.ret()
    emu = Emulator([routine])
    start = emu.address("flush_icache") + 4  # unaligned start
    end = start + 200
    emu.call("flush_icache", start, end, result="i64", max_instructions=10_000)
    line = 4 << (emu.x(3) & 0xF)  # the emulated CTR_EL0's instruction line size
    assert emu.x(8) >= end and emu.x(8) % line == 0
    assert emu.x(8) - line < end  # stopped right after the last line


@pytest.mark.skipif(not execmem.host_is_aarch64(), reason="needs an aarch64 host")
def test_native_calls_on_aarch64() -> None:
    code = execmem.load_image([tot_code(), fmod_code()],
                              externals={"fmod": execmem.c_symbol_address("fmod", "m")})
    tot = code.function("tot", ctypes.c_double, [ctypes.c_double] * 3)
    assert tot(10.0, 20.0, 30.0) == 6200.0
    call_fmod = code.function("call_fmod", ctypes.c_double, [ctypes.c_double] * 2)
    assert call_fmod(7.5, 2.0) == 1.5
    with pytest.raises(KeyError, match="no function named"):
        code.function("nope")
