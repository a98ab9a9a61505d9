"""Executable memory for running AArch64 code in this process (aarch64 hosts only).

Code is never writable and executable at once (W^X): on Linux the pages are mapped read+write,
the linked image copied in, then switched to read+execute with ``mprotect``; on macOS the
mapping is made with ``MAP_JIT`` and the calling thread's JIT write protection is toggled
around the copy (``pthread_jit_write_protect_np``). Afterwards the instruction cache is
synchronised for the range (``__clear_cache`` from libgcc, ``sys_icache_invalidate`` on macOS,
else a small routine of our own).

On any other host ``load_image`` raises ``UnsupportedHostError``: use the LLVM backend there, or
emit an ELF object (``elf.py``) for a cross build, or the emulator (``emulate.py``) for tests.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import mmap
import os
import platform
import sys
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import encoder as enc
from .asm import Assembler
from .link import DataBlock, FunctionCode, link_image

_MAP_JIT = 0x800  # macOS
PAGE = mmap.PAGESIZE


class UnsupportedHostError(RuntimeError):
    """Native AArch64 code cannot run on this machine."""


class ExecMemError(OSError):
    """Mapping or protecting executable memory failed."""


def host_machine() -> str:
    """The host's machine name as the platform reports it (e.g. "x86_64", "arm64")."""
    return platform.machine().lower()


def host_is_aarch64() -> bool:
    """Whether this process can run AArch64 code natively."""
    return host_machine() in ("aarch64", "arm64") and sys.maxsize > 2**32


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                          ctypes.c_int, ctypes.c_ssize_t]
    libc.mprotect.restype = ctypes.c_int
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    libc.munmap.restype = ctypes.c_int
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    return libc


def _os_error(what: str) -> ExecMemError:
    errno = ctypes.get_errno()
    return ExecMemError(errno, f"{what} failed: {os.strerror(errno)}")


class ExecutableRegion:
    """Pages holding a code image, read+execute once ``create`` returns."""

    def __init__(self, address: int, size: int) -> None:
        self.address = address
        self.size = size
        self._finalizer = weakref.finalize(self, _unmap, address, size)

    @classmethod
    def reserve(cls, size: int) -> ExecutableRegion:
        """Map ``size`` bytes (rounded up to pages) of fresh read+write memory."""
        size = max(PAGE, (size + PAGE - 1) // PAGE * PAGE)
        flags = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS
        prot = mmap.PROT_READ | mmap.PROT_WRITE
        if sys.platform == "darwin":
            flags |= _MAP_JIT
            prot |= mmap.PROT_EXEC  # MAP_JIT pages are toggled per thread instead
        address = _libc().mmap(None, size, prot, flags, -1, 0)
        if address is None or address == ctypes.c_void_p(-1).value:
            raise _os_error("mmap")
        return cls(address, size)

    def write_and_seal(self, image: bytes) -> None:
        """Copy ``image`` in and make the pages read+execute (never writable and executable)."""
        if len(image) > self.size:
            raise ValueError(f"image of {len(image)} bytes does not fit in {self.size}")
        if sys.platform == "darwin":
            toggle = _libc().pthread_jit_write_protect_np
            toggle.argtypes = [ctypes.c_int]
            toggle(0)
            try:
                ctypes.memmove(self.address, image, len(image))
            finally:
                toggle(1)
        else:
            ctypes.memmove(self.address, image, len(image))
            if _libc().mprotect(self.address, self.size, mmap.PROT_READ | mmap.PROT_EXEC):
                raise _os_error("mprotect")
        flush_instruction_cache(self.address, len(image))

    def close(self) -> None:
        """Unmap the pages. Functions obtained from this region must not be called after."""
        self._finalizer()


def _unmap(address: int, size: int) -> None:
    _libc().munmap(address, size)


def cache_flush_routine() -> FunctionCode:
    """``void flush(char *start, char *end)``: clean the data cache and invalidate the
    instruction cache for [start, end), using the line sizes in CTR_EL0."""
    asm = Assembler()
    asm.emit(enc.mrs_ctr_el0(3),
             enc.lsr_imm(5, 3, 16), enc.and_imm(5, 5, 0xF), enc.add_imm(5, 5, 2),  # log2 dline
             enc.and_imm(4, 3, 0xF), enc.add_imm(4, 4, 2),  # log2 iline
             enc.movz(6, 1))
    for log2_line, maintain, barrier in ((5, enc.dc_cvau, enc.dsb_ish()),
                                         (4, enc.ic_ivau, enc.dsb_ish())):
        loop = asm.label()
        asm.emit(enc.lsl_reg(9, 6, log2_line),  # line size in bytes
                 enc.lsr_reg(8, 0, log2_line), enc.lsl_reg(8, 8, log2_line))  # align down
        asm.bind(loop)
        asm.emit(maintain(8), enc.add_reg(8, 8, 9), enc.cmp_reg(8, 1))
        asm.b_cond(enc.Cond.LO, loop)
        asm.emit(barrier)
    asm.emit(enc.isb(), enc.ret())
    return asm.finish("flush_icache")


_flush_function: Callable[[int, int], None] | None = None
_flush_region: ExecutableRegion | None = None


def _system_flush() -> Callable[[int, int], None] | None:
    """The platform's cache maintenance function as flush(address, size), if it has one."""
    if sys.platform == "darwin":
        invalidate = ctypes.CDLL(None).sys_icache_invalidate
        invalidate.restype, invalidate.argtypes = None, [ctypes.c_void_p, ctypes.c_size_t]
        return invalidate
    for name in ("libgcc_s.so.1", ctypes.util.find_library("gcc_s")):
        if not name:
            continue
        try:
            clear = ctypes.CDLL(name).__clear_cache
        except (OSError, AttributeError):
            continue
        clear.restype, clear.argtypes = None, [ctypes.c_void_p, ctypes.c_void_p]
        return lambda address, size: clear(address, address + size)
    return None


def flush_instruction_cache(address: int, size: int) -> None:
    """Make freshly written code at [address, address+size) visible to instruction fetch.

    A no-op on hosts that are not AArch64 (their instruction caches are coherent, and no
    AArch64 code runs there anyway).
    """
    global _flush_function, _flush_region
    if not host_is_aarch64() or size <= 0:
        return
    if _flush_function is None:
        _flush_function = _system_flush()
    if _flush_function is None:
        # Our own routine: its fresh pages are synchronised by the kernel when first mapped
        # executable, and from then on it serves every later image.
        linked = link_image([cache_flush_routine()])
        region = ExecutableRegion.reserve(len(linked.image))
        linked = link_image([cache_flush_routine()], base=region.address)
        ctypes.memmove(region.address, linked.image, len(linked.image))
        if _libc().mprotect(region.address, region.size, mmap.PROT_READ | mmap.PROT_EXEC):
            raise _os_error("mprotect")
        routine = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)(region.address)
        _flush_region = region
        _flush_function = lambda start, length: routine(start, start + length)  # noqa: E731
    _flush_function(address, size)


@dataclass
class LoadedCode:
    """Linked code living in executable memory, with the address of every symbol."""

    region: ExecutableRegion
    symbols: dict[str, int]

    def function(self, name: str, restype: type | None = ctypes.c_double,
                 argtypes: Sequence[type] = ()) -> ctypes._CFuncPtr:
        """A ctypes callable for the function ``name`` (keeps this code mapped while alive)."""
        if name not in self.symbols:
            raise KeyError(f"no function named {name!r} in the loaded code")
        proto = ctypes.CFUNCTYPE(restype, *argtypes)
        fn = proto(self.symbols[name])
        fn._ilo_code = self  # the region must outlive the callable
        return fn

    def close(self) -> None:
        """Unmap the code."""
        self.region.close()


def c_symbol_address(name: str, library: str | None = None) -> int:
    """Address of a C function in this process (``library`` such as "m", else the process)."""
    path = ctypes.util.find_library(library) if library else None
    lib = ctypes.CDLL(path)
    try:
        return ctypes.cast(getattr(lib, name), ctypes.c_void_p).value or 0
    except AttributeError:
        raise KeyError(f"C symbol {name!r} not found") from None


def load_image(functions: list[FunctionCode], data: list[DataBlock] | None = None,
               externals: dict[str, int] | None = None) -> LoadedCode:
    """Link ``functions`` and ``data`` into fresh executable memory on an AArch64 host.

    ``externals`` maps external symbol names (``fmod`` ...) to addresses in this process,
    e.g. from ``c_symbol_address``. Raises ``UnsupportedHostError`` elsewhere.
    """
    if not host_is_aarch64():
        raise UnsupportedHostError(
            f"the AArch64 backend cannot run code on this {host_machine() or 'unknown'} host "
            f"({sys.platform}); use the LLVM backend here, or emit an ELF object for an "
            f"aarch64 build")
    size = len(link_image(functions, data, externals, 0).image)
    region = ExecutableRegion.reserve(size)
    try:
        linked = link_image(functions, data, externals, region.address)
        region.write_and_seal(linked.image)
    except BaseException:
        region.close()
        raise
    return LoadedCode(region, linked.symbols)
