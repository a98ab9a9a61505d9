"""Run AArch64 code in the unicorn emulator (for tests and for x86_64 hosts).

``Emulator`` links functions with ``link.link_image``, maps them with a stack, and calls them
per AAPCS64: float arguments go to d0..d7, integer arguments to x0..x7, further arguments onto
the stack; the result comes from d0 or x0. External symbols (libm ``fmod``, runtime helpers) are
resolved to stub addresses; when the code reaches one, a Python function computes the result
from the argument registers and the stub returns to the caller.

Requires the ``unicorn`` package (a test dependency, not a runtime one).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from .link import DataBlock, FunctionCode, LinkedImage, link_image

CODE_BASE = 0x0010_0000
STUB_BASE = 0x0800_0000
STACK_TOP = 0x4000_0000
RETURN_ADDRESS = 0x0900_0000  # executing here means the called function returned

_KINDS = ("f64", "i64")


class EmulationError(RuntimeError):
    """The emulated code faulted, ran too long, or was called wrongly."""


class EmulationTrap(EmulationError):
    """The emulated code executed ``brk #imm``; ``imm`` is the immediate."""

    def __init__(self, imm: int, pc: int) -> None:
        super().__init__(f"brk #{imm} at {pc:#x}")
        self.imm = imm
        self.pc = pc


@dataclass
class ExternalHelper:
    """A Python stand-in for an external function: argument and result kinds are "f64"/"i64"
    ("void" result allowed)."""

    fn: Callable[..., float | int | None]
    params: tuple[str, ...] = ("f64",)
    result: str = "f64"


def _bits(value: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", value))[0]


def _float(bits: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", bits & ((1 << 64) - 1)))[0]


def _load_libm() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("m")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


_LIBM = _load_libm()


def _libm_function(name: str, arity: int) -> Callable[..., float]:
    """The host C library's function (same IEEE semantics as the target's), else ``math``."""
    if _LIBM is not None and hasattr(_LIBM, name):
        cfn = getattr(_LIBM, name)
        cfn.restype = ctypes.c_double
        cfn.argtypes = [ctypes.c_double] * arity
        return cfn
    return getattr(math, name)


LIBM_UNARY = ("sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp",
              "log", "log2", "log10", "log1p", "expm1", "cbrt", "floor", "ceil", "trunc",
              "round", "sqrt", "fabs")
LIBM_BINARY = ("fmod", "pow", "atan2", "hypot", "fmin", "fmax", "copysign")


def libm_helpers() -> dict[str, ExternalHelper]:
    """Helpers for the C math functions generated code may call."""
    helpers = {n: ExternalHelper(_libm_function(n, 1), ("f64",)) for n in LIBM_UNARY}
    helpers.update({n: ExternalHelper(_libm_function(n, 2), ("f64", "f64"))
                    for n in LIBM_BINARY})
    return helpers


@dataclass
class HelperCall:
    """One call the emulated code made to an external helper."""

    name: str
    args: tuple[float | int, ...]
    result: float | int | None


@dataclass
class Emulator:
    """Functions loaded into a fresh unicorn machine, callable by name."""

    functions: list[FunctionCode]
    data: list[DataBlock] = field(default_factory=list)
    helpers: dict[str, ExternalHelper] = field(default_factory=dict)
    stack_size: int = 1 << 20

    def __post_init__(self) -> None:
        from unicorn import UC_ARCH_ARM64, UC_HOOK_CODE, UC_HOOK_INTR, UC_MODE_ARM, Uc

        self._stub_names = sorted(self.helpers)
        stubs = {name: STUB_BASE + 4 * i for i, name in enumerate(self._stub_names)}
        self.linked: LinkedImage = link_image(self.functions, self.data, stubs, CODE_BASE)
        self.calls: list[HelperCall] = []
        self.instructions = 0
        self._uc = Uc(UC_ARCH_ARM64, UC_MODE_ARM)
        uc = self._uc
        uc.mem_map(CODE_BASE, _round_page(len(self.linked.image)))
        uc.mem_write(CODE_BASE, self.linked.image)
        uc.mem_map(STUB_BASE, _round_page(4 * max(1, len(stubs))))
        ret_word = (0xD65F03C0).to_bytes(4, "little")
        uc.mem_write(STUB_BASE, ret_word * max(1, len(stubs)))
        uc.mem_map(RETURN_ADDRESS, 0x1000)
        uc.mem_map(STACK_TOP - self.stack_size, self.stack_size)
        if stubs:
            uc.hook_add(UC_HOOK_CODE, self._on_stub, begin=STUB_BASE,
                        end=STUB_BASE + 4 * len(stubs) - 1)
        uc.hook_add(UC_HOOK_INTR, self._on_interrupt)
        self.call_sp = 0
        self._trap: EmulationTrap | None = None
        self._helper_error: BaseException | None = None

    def address(self, name: str) -> int:
        """Address of a function or data block in the emulated memory."""
        if name not in self.linked.symbols:
            raise EmulationError(f"no function or data named {name!r}")
        return self.linked.symbols[name]

    def x(self, n: int) -> int:
        """General register xN (n 0..30) after the last call, as a signed int."""
        return _signed(self._uc.reg_read(_xreg_id(n)))

    def d(self, n: int) -> float:
        """FP register dN after the last call."""
        from unicorn.arm64_const import UC_ARM64_REG_D0

        return _float(self._uc.reg_read(UC_ARM64_REG_D0 + n))

    def set_d(self, n: int, value: float) -> None:
        """Preset dN before a call (e.g. to check that callee-saved registers survive)."""
        from unicorn.arm64_const import UC_ARM64_REG_D0

        self._uc.reg_write(UC_ARM64_REG_D0 + n, _bits(value))

    def set_x(self, n: int, value: int) -> None:
        """Preset xN before a call."""
        self._uc.reg_write(_xreg_id(n), value & ((1 << 64) - 1))

    def sp(self) -> int:
        """The stack pointer after the last call (the value before it is ``call_sp``)."""
        from unicorn.arm64_const import UC_ARM64_REG_SP

        return self._uc.reg_read(UC_ARM64_REG_SP)

    def read_memory(self, address: int, size: int) -> bytes:
        """Bytes of emulated memory."""
        return bytes(self._uc.mem_read(address, size))

    def write_memory(self, address: int, data: bytes) -> None:
        """Overwrite emulated memory (e.g. a data block used as a context structure)."""
        self._uc.mem_write(address, bytes(data))

    def call(self, name: str, *args: float | int, result: str = "f64",
             max_instructions: int = 5_000_000) -> float | int:
        """Call ``name`` with the given arguments (float -> d register, int -> x register) and
        return d0 (``result="f64"``) or x0 as a signed int (``result="i64"``)."""
        from unicorn import UcError
        from unicorn.arm64_const import UC_ARM64_REG_D0, UC_ARM64_REG_LR, UC_ARM64_REG_SP

        if result not in _KINDS:
            raise EmulationError(f"result kind must be one of {_KINDS}, not {result!r}")
        uc = self._uc
        sp = STACK_TOP - 64
        stacked = self._place_arguments(args)
        if stacked:
            sp -= 8 * len(stacked) + (8 * len(stacked)) % 16
            uc.mem_write(sp, b"".join(struct.pack("<Q", v) for v in stacked))
        uc.reg_write(UC_ARM64_REG_SP, sp)
        self.call_sp = sp
        uc.reg_write(UC_ARM64_REG_LR, RETURN_ADDRESS)
        self._trap = None
        self._helper_error = None
        try:
            uc.emu_start(self.address(name), RETURN_ADDRESS, count=max_instructions)
        except UcError as exc:
            pc = self._pc()
            raise EmulationError(f"{name}: {exc} at pc={pc:#x} ({self._where(pc)})") from None
        if self._helper_error is not None:
            raise self._helper_error
        if self._trap is not None:
            raise self._trap
        if self._pc() != RETURN_ADDRESS:
            raise EmulationError(f"{name}: did not return within {max_instructions} "
                                 f"instructions (pc={self._pc():#x})")
        if result == "f64":
            return _float(uc.reg_read(UC_ARM64_REG_D0))
        return _signed(uc.reg_read(_xreg_id(0)))

    def _place_arguments(self, args: tuple[float | int, ...]) -> list[int]:
        from unicorn.arm64_const import UC_ARM64_REG_D0

        ngrn = nsrn = 0
        stacked: list[int] = []
        for arg in args:
            if isinstance(arg, float):
                if nsrn < 8:
                    self._uc.reg_write(UC_ARM64_REG_D0 + nsrn, _bits(arg))
                    nsrn += 1
                else:
                    stacked.append(_bits(arg))
            elif isinstance(arg, int) and not isinstance(arg, bool):
                if not -(1 << 63) <= arg < (1 << 64):
                    raise EmulationError(f"integer argument {arg} does not fit in 64 bits")
                if ngrn < 8:
                    self._uc.reg_write(_xreg_id(ngrn), arg & ((1 << 64) - 1))
                    ngrn += 1
                else:
                    stacked.append(arg & ((1 << 64) - 1))
            else:
                raise EmulationError(f"argument {arg!r} is neither float nor int")
        return stacked

    def _pc(self) -> int:
        from unicorn.arm64_const import UC_ARM64_REG_PC

        return self._uc.reg_read(UC_ARM64_REG_PC)

    def _where(self, pc: int) -> str:
        for name, start in self.linked.symbols.items():
            if start <= pc < start + self.linked.sizes[name]:
                return f"{name}+{pc - start:#x}"
        return "outside the loaded code"

    def _on_stub(self, uc: object, address: int, size: int, user_data: object) -> None:
        from unicorn.arm64_const import UC_ARM64_REG_D0

        name = self._stub_names[(address - STUB_BASE) // 4]
        helper = self.helpers[name]
        ngrn = nsrn = 0
        args: list[float | int] = []
        for kind in helper.params:
            if kind == "f64":
                args.append(_float(self._uc.reg_read(UC_ARM64_REG_D0 + nsrn)))
                nsrn += 1
            else:
                args.append(_signed(self._uc.reg_read(_xreg_id(ngrn))))
                ngrn += 1
        try:
            value = helper.fn(*args)
        except Exception as exc:  # surfaced to the caller of Emulator.call
            self._helper_error = exc
            self._uc.emu_stop()
            return
        self.calls.append(HelperCall(name, tuple(args), value))
        if helper.result == "f64":
            self._uc.reg_write(UC_ARM64_REG_D0, _bits(float(value)))
        elif helper.result == "i64":
            self._uc.reg_write(_xreg_id(0), int(value) & ((1 << 64) - 1))

    def _on_interrupt(self, uc: object, intno: int, user_data: object) -> None:
        pc = self._pc()
        word = int.from_bytes(self._uc.mem_read(pc, 4), "little")
        if word & 0xFFE0001F == 0xD4200000:
            self._trap = EmulationTrap((word >> 5) & 0xFFFF, pc)
        else:
            self._trap = EmulationTrap(-1, pc)
        self._uc.emu_stop()


def _round_page(size: int) -> int:
    return max(0x1000, (size + 0xFFF) & ~0xFFF)


def _signed(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >> 63 else value


def _xreg_id(n: int) -> int:
    from unicorn.arm64_const import UC_ARM64_REG_X0, UC_ARM64_REG_X29, UC_ARM64_REG_X30

    if n == 29:
        return UC_ARM64_REG_X29
    if n == 30:
        return UC_ARM64_REG_X30
    return UC_ARM64_REG_X0 + n


def run_function(code: FunctionCode, *args: float | int, result: str = "f64",
                 helpers: dict[str, ExternalHelper] | None = None) -> float | int:
    """Convenience: load one function into a fresh emulator and call it once."""
    return Emulator([code], helpers=dict(helpers or {})).call(code.name, *args, result=result)
