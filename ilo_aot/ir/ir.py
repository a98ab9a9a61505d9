"""The typed, backend-neutral IR that every native backend consumes (design.md §3-§5).

Lowering (`ilo_aot.ir.lower`) turns a verified, eligible ilo function into one `Function`;
the LLVM backend (`ilo_aot.backends.llvm`) and the raw AArch64 backend (`ilo_aot.backends.arm64`)
read nothing else. The IR has no knowledge of ilo syntax and the backends need no knowledge of
ilo semantics beyond what is written here.

Shape
-----
- A `Module` holds `functions` (in declaration order) and `sites`, the table of places where
  native code can fail (`FailSite`: code, message, function, span). Sites are numbered by their
  position in `Module.sites`.
- A `Function` is a list of `Block`s; `blocks[0]` is the entry. Each block is a list of
  instructions followed by exactly one terminator (`Jump`, `Branch`, `Return`, `Fail`).
- Values live in **virtual registers** (`Reg`), each with one type for its whole life. Registers
  are *mutable* (not SSA): any number of instructions may write the same register, on any path.
  A register is always written before it is read on every path (lowering guarantees it). LLVM
  maps each register to an `alloca` (mem2reg turns them into SSA); a linear-scan allocator can
  treat every write as a definition. Parameters are registers written on entry.
- Operands are always registers; constants come from `Const`.

Types (`IrType`)
----------------
- `F64`: an IEEE-754 double (the ilo number `n`).
- `BOOL`: a truth value (`b`), 0 or 1.
- `I64`: a signed 64-bit integer, used only for `@i a..b` loop counters.

Instructions (dst first; every operand register has the type stated)
----------------------------------------------------------------------
- `Const(dst, value)`: dst := a constant of dst's type.
- `Copy(dst, src)`: same type.
- `FBinary(dst, op, lhs, rhs)`, op in add sub mul div: IEEE double arithmetic, round to
  nearest. **No fast-math, no FMA contraction, no reassociation**: every operation is rounded
  on its own, in the order given. `div` never fails: lowering emits the ilo zero check
  (`/` by exactly ±0 is R003) as explicit control flow before it.
- `FNeg(dst, src)`: sign flip (`-0.0` for `0.0`; NaN stays NaN).
- `FCompare(dst: BOOL, op, lhs: F64, rhs: F64)`, op in lt le gt ge eq ne: IEEE comparison;
  lt le gt ge eq are false when either side is NaN; `ne` is `not eq` (true with a NaN). ilo's
  `=` (epsilon equality) is lowered to `fabs(a - b) lt EPSILON` before it reaches the IR.
- `ICompare(dst: BOOL, op, lhs, rhs)`, op in lt le gt ge eq ne: signed compare of two `I64`
  registers, or `eq`/`ne` of two `BOOL` registers.
- `IBinary(dst, op, lhs, rhs)`, op in add sub: `I64` arithmetic, wrapping.
- `BNot(dst, src)`: BOOL negation.
- `Select(dst, cond: BOOL, if_true, if_false)`: same type for dst and both values.
- `FToI(dst: I64, src: F64)`: truncate toward zero, **saturating**: NaN -> 0, values beyond the
  i64 range (and +-inf) -> INT64_MIN / INT64_MAX (LLVM `fptosi.sat`, AArch64 `fcvtzs`).
- `IToF(dst: F64, src: I64)`: signed convert, round to nearest even.
- `CallIntrinsic(dst: F64, name, args: F64...)`: a numeric function from `INTRINSICS`; pure,
  never fails.
- `CallFunction(dst | None, callee, args, depth_site)`: call the IR function named `callee`
  (same module, possibly itself). Argument and result types match the callee's signature.
  **A call can fail**: before it, the recursion-depth check may fail with `depth_site`; after
  it, if the callee (or anything it calls) failed, the caller stops at once and propagates
  (see the ABI below). Backends emit both checks around every call.

Terminators
-----------
- `Jump(target)`, `Branch(cond: BOOL, if_true, if_false)`: targets are block labels.
- `Return(value)`: value has the function's result type.
- `Fail(site)`: stop with the runtime error `Module.sites[site]`.

Intrinsics (`INTRINSICS`)
-------------------------
`sqrt fabs floor ceil trunc round` are exact or correctly rounded (hardware instructions are
fine); `round` rounds half away from zero (C `round`, LLVM `llvm.round`, AArch64 `frinta`).
`fmod pow exp log log10 log2 sin cos tan asin acos atan atan2` are the C library's functions of
those names (what CPython's `math` module calls), arguments in ilo order (`atan2 y x`,
`pow base exp`, `fmod a b`). `min` / `max` follow ilo's rules and must be implemented exactly so
(do not use LLVM `minnum`/`maxnum` or AArch64 `fminnm`, whose choice between -0 and +0 is not
fixed):

    min(a, b) = b if isnan(a) else a if isnan(b) else (b if b < a else a)
    max(a, b) = b if isnan(a) else a if isnan(b) else (b if b > a else a)

Native ABI (every backend, JIT and AOT alike)
---------------------------------------------
Each IR function `f` becomes a native function with the C signature

    RET <prefix><symbol(f)>(IloCtx *ctx, ARG1 a1, ARG2 a2, ...)

where `F64` is `double`, `BOOL` is `int32_t` (0 or 1; upper bits of the register zero) and
`symbol(f)` is `function_symbol(name)` (ilo `-` becomes `_`; ilo names never contain `_`, so
this is injective). The default prefix is `ilo_`. `ctx` points to

    typedef struct IloCtx {
        int32_t status;       /* 0: no error; k > 0: failed at Module.sites[k - 1]          */
        int32_t depth;        /* ilo calls currently active on this native stack             */
        int32_t depth_limit;  /* maximum depth (errors.RECURSION_LIMIT unless overridden)    */
        int32_t trace_len;    /* frames recorded in trace (may exceed trace_cap: count only) */
        int32_t trace_cap;    /* capacity of trace                                           */
        int32_t reserved;
        int32_t *trace;       /* Function.fn_id of the failing frames, innermost first       */
    } IloCtx;                 /* 32 bytes on 64-bit targets; see CTX_* offsets below         */

Protocol, which backends implement around the IR (the IR does not spell it out):

1. **Entry**: `ctx->depth += 1` (the call from Python enters with depth 0, so the entry
   function runs at depth 1).
2. **Return**: `ctx->depth -= 1`, return the value.
3. **Fail(site)**: `ctx->status = site + 1`; record this frame (step 5); return any value.
4. **Around every CallFunction**: before it, if `ctx->depth >= ctx->depth_limit`, fail with
   `depth_site` (step 3: the callee never starts, the caller is recorded); this bounds native
   recursion, so unbounded recursion raises ILO-R010 instead of overflowing the stack. After
   it, if `ctx->status != 0`, record this frame (step 5) and return any value at once.
5. **Record a frame**: `if (ctx->trace_len < ctx->trace_cap) ctx->trace[ctx->trace_len] =
   fn_id;` then `ctx->trace_len += 1`.

The caller from Python (JIT wrapper, AOT shim) zeroes status/depth/trace_len, sets depth_limit,
trace and trace_cap, calls the function, and if `status != 0` raises `IloRuntimeError` from
`Module.sites[status - 1]` (code, message, location) with one note `called from 'F'` per recorded
frame, outermost first (the fallback tier's form, diagnostics.md §9). Native code never touches
Python objects, allocates nothing and needs no globals, so it is reentrant and thread-safe when
each thread uses its own `IloCtx`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum


class IrType(Enum):
    F64 = "f64"
    BOOL = "bool"
    I64 = "i64"


F64 = IrType.F64
BOOL = IrType.BOOL
I64 = IrType.I64

# ilo's `=` on numbers: equal iff |a - b| < EPSILON (language.md §4.12).
EPSILON = 2.220446049250313e-16

# Byte offsets of the IloCtx fields on 64-bit targets.
CTX_STATUS = 0
CTX_DEPTH = 4
CTX_DEPTH_LIMIT = 8
CTX_TRACE_LEN = 12
CTX_TRACE_CAP = 16
CTX_TRACE = 24
CTX_SIZE = 32

DEFAULT_SYMBOL_PREFIX = "ilo_"


def function_symbol(name: str, prefix: str = DEFAULT_SYMBOL_PREFIX) -> str:
    """The native symbol of the IR function `name` (`get-user` -> `ilo_get_user`)."""
    return prefix + name.replace("-", "_")


@dataclass(frozen=True)
class Intrinsic:
    """A numeric function callable from IR: `arity` F64 arguments, one F64 result."""

    name: str
    arity: int
    # The C library function of the same meaning, or None when backends must inline it.
    libm: str | None


INTRINSICS: dict[str, Intrinsic] = {
    i.name: i
    for i in (
        Intrinsic("sqrt", 1, "sqrt"),
        Intrinsic("fabs", 1, "fabs"),
        Intrinsic("floor", 1, "floor"),
        Intrinsic("ceil", 1, "ceil"),
        Intrinsic("trunc", 1, "trunc"),
        Intrinsic("round", 1, "round"),
        Intrinsic("fmod", 2, "fmod"),
        Intrinsic("pow", 2, "pow"),
        Intrinsic("exp", 1, "exp"),
        Intrinsic("log", 1, "log"),
        Intrinsic("log10", 1, "log10"),
        Intrinsic("log2", 1, "log2"),
        Intrinsic("sin", 1, "sin"),
        Intrinsic("cos", 1, "cos"),
        Intrinsic("tan", 1, "tan"),
        Intrinsic("asin", 1, "asin"),
        Intrinsic("acos", 1, "acos"),
        Intrinsic("atan", 1, "atan"),
        Intrinsic("atan2", 2, "atan2"),
        Intrinsic("min", 2, None),
        Intrinsic("max", 2, None),
    )
}


def ilo_min(a: float, b: float) -> float:
    """Reference semantics of the `min` intrinsic (see the module docstring)."""
    if math.isnan(a):
        return b
    if math.isnan(b):
        return a
    return b if b < a else a


def ilo_max(a: float, b: float) -> float:
    """Reference semantics of the `max` intrinsic (see the module docstring)."""
    if math.isnan(a):
        return b
    if math.isnan(b):
        return a
    return b if b > a else a


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class Reg:
    """A virtual register: `id` is unique within its function."""

    id: int
    ty: IrType

    def __str__(self) -> str:
        return f"%{self.id}"


# ---------------------------------------------------------------- instructions


@dataclass(frozen=True)
class Const:
    dst: Reg
    value: float | bool | int


@dataclass(frozen=True)
class Copy:
    dst: Reg
    src: Reg


@dataclass(frozen=True)
class FBinary:
    dst: Reg
    op: str  # add sub mul div
    lhs: Reg
    rhs: Reg


@dataclass(frozen=True)
class FNeg:
    dst: Reg
    src: Reg


@dataclass(frozen=True)
class FCompare:
    dst: Reg
    op: str  # lt le gt ge eq ne
    lhs: Reg
    rhs: Reg


@dataclass(frozen=True)
class ICompare:
    dst: Reg
    op: str  # lt le gt ge eq ne (BOOL operands: eq ne)
    lhs: Reg
    rhs: Reg


@dataclass(frozen=True)
class IBinary:
    dst: Reg
    op: str  # add sub
    lhs: Reg
    rhs: Reg


@dataclass(frozen=True)
class BNot:
    dst: Reg
    src: Reg


@dataclass(frozen=True)
class Select:
    dst: Reg
    cond: Reg
    if_true: Reg
    if_false: Reg


@dataclass(frozen=True)
class FToI:
    dst: Reg
    src: Reg


@dataclass(frozen=True)
class IToF:
    dst: Reg
    src: Reg


@dataclass(frozen=True)
class CallIntrinsic:
    dst: Reg
    name: str
    args: tuple[Reg, ...]


@dataclass(frozen=True)
class CallFunction:
    dst: Reg | None
    callee: str
    args: tuple[Reg, ...]
    depth_site: int = 0


Instr = (
    Const
    | Copy
    | FBinary
    | FNeg
    | FCompare
    | ICompare
    | IBinary
    | BNot
    | Select
    | FToI
    | IToF
    | CallIntrinsic
    | CallFunction
)


# ---------------------------------------------------------------- terminators


@dataclass(frozen=True)
class Jump:
    target: str


@dataclass(frozen=True)
class Branch:
    cond: Reg
    if_true: str
    if_false: str


@dataclass(frozen=True)
class Return:
    value: Reg


@dataclass(frozen=True)
class Fail:
    site: int


Terminator = Jump | Branch | Return | Fail


# ---------------------------------------------------------------- containers


@dataclass
class Block:
    label: str
    instrs: list[Instr] = field(default_factory=list)
    terminator: Terminator | None = None


@dataclass(frozen=True)
class FailSite:
    """Where and how native code can fail: the runtime error it raises.

    `span` is the byte range of the innermost executing statement in `path`'s text (`source`),
    or None; `function` is the ilo function the site belongs to.
    """

    code: str
    message: str
    function: str
    span: tuple[int, int] | None = None
    path: str | None = None
    source: str | None = None


@dataclass
class Function:
    """One IR function. `fn_id` is its index in `Module.functions` (used in traces)."""

    name: str
    params: list[Reg]
    ret: IrType
    blocks: list[Block]
    fn_id: int = 0
    # ilo signature, e.g. `tot a:n b:n c:n>n` (for docs and help()).
    signature: str = ""
    param_names: list[str] = field(default_factory=list)
    num_regs: int = 0

    @property
    def param_types(self) -> list[IrType]:
        return [p.ty for p in self.params]

    def block(self, label: str) -> Block:
        for b in self.blocks:
            if b.label == label:
                return b
        raise KeyError(label)


@dataclass
class Module:
    functions: list[Function] = field(default_factory=list)
    sites: list[FailSite] = field(default_factory=list)

    def function(self, name: str) -> Function:
        for f in self.functions:
            if f.name == name:
                return f
        raise KeyError(name)

    def add_site(self, site: FailSite) -> int:
        """Add `site` (or find an equal one) and return its index."""
        for i, s in enumerate(self.sites):
            if s == site:
                return i
        self.sites.append(site)
        return len(self.sites) - 1


# ---------------------------------------------------------------- text form


def _fmt_const(v: float | bool | int) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(v)


def format_instr(ins: Instr | Terminator) -> str:
    """One instruction or terminator as text (for `ilo-aot show --ir` and tests)."""
    if isinstance(ins, Const):
        return f"{ins.dst}:{ins.dst.ty.value} = const {_fmt_const(ins.value)}"
    if isinstance(ins, Copy):
        return f"{ins.dst} = {ins.src}"
    if isinstance(ins, FBinary | FCompare | ICompare | IBinary):
        kind = {FBinary: "f", FCompare: "fcmp.", ICompare: "icmp.", IBinary: "i"}[type(ins)]
        return f"{ins.dst}:{ins.dst.ty.value} = {kind}{ins.op} {ins.lhs}, {ins.rhs}"
    if isinstance(ins, FNeg):
        return f"{ins.dst} = fneg {ins.src}"
    if isinstance(ins, BNot):
        return f"{ins.dst} = not {ins.src}"
    if isinstance(ins, Select):
        return f"{ins.dst} = select {ins.cond}, {ins.if_true}, {ins.if_false}"
    if isinstance(ins, FToI):
        return f"{ins.dst}:i64 = ftoi.sat {ins.src}"
    if isinstance(ins, IToF):
        return f"{ins.dst}:f64 = itof {ins.src}"
    if isinstance(ins, CallIntrinsic):
        return f"{ins.dst} = {ins.name}({', '.join(map(str, ins.args))})"
    if isinstance(ins, CallFunction):
        call = f"call {ins.callee}({', '.join(map(str, ins.args))}) depth->site{ins.depth_site}"
        return call if ins.dst is None else f"{ins.dst}:{ins.dst.ty.value} = {call}"
    if isinstance(ins, Jump):
        return f"jump {ins.target}"
    if isinstance(ins, Branch):
        return f"br {ins.cond}, {ins.if_true}, {ins.if_false}"
    if isinstance(ins, Return):
        return f"ret {ins.value}"
    if isinstance(ins, Fail):
        return f"fail site{ins.site}"
    raise TypeError(f"not an IR instruction: {ins!r}")


def format_function(fn: Function) -> str:
    """The whole function as readable text."""
    params = ", ".join(f"{p}:{p.ty.value}" for p in fn.params)
    lines = [f"fn {fn.name}({params}) -> {fn.ret.value}  ; {fn.signature}"]
    for b in fn.blocks:
        lines.append(f"{b.label}:")
        lines += [f"  {format_instr(i)}" for i in b.instrs]
        if b.terminator is not None:
            lines.append(f"  {format_instr(b.terminator)}")
    return "\n".join(lines)


# ---------------------------------------------------------------- validation


class IrError(Exception):
    """An IR function breaks the rules of this module (a lowering bug, never user input)."""


_FBIN_OPS = {"add", "sub", "mul", "div"}
_CMP_OPS = {"lt", "le", "gt", "ge", "eq", "ne"}


def _expect(cond: bool, fn: Function, what: str) -> None:
    if not cond:
        raise IrError(f"{fn.name}: {what}")


def _check_instr(ins: Instr, fn: Function, module: Module | None) -> None:
    def ty(r: Reg, t: IrType) -> None:
        _expect(r.ty == t, fn, f"{format_instr(ins)}: {r} is {r.ty.value}, expected {t.value}")

    if isinstance(ins, Const):
        want = {F64: float, BOOL: bool, I64: int}[ins.dst.ty]
        _expect(type(ins.value) is want, fn, f"{format_instr(ins)}: constant of wrong kind")
    elif isinstance(ins, Copy):
        ty(ins.src, ins.dst.ty)
    elif isinstance(ins, FBinary):
        _expect(ins.op in _FBIN_OPS, fn, f"unknown op {ins.op}")
        for r in (ins.dst, ins.lhs, ins.rhs):
            ty(r, F64)
    elif isinstance(ins, FNeg):
        ty(ins.dst, F64)
        ty(ins.src, F64)
    elif isinstance(ins, FCompare):
        _expect(ins.op in _CMP_OPS, fn, f"unknown op {ins.op}")
        ty(ins.dst, BOOL)
        ty(ins.lhs, F64)
        ty(ins.rhs, F64)
    elif isinstance(ins, ICompare):
        _expect(ins.op in _CMP_OPS, fn, f"unknown op {ins.op}")
        ty(ins.dst, BOOL)
        ty(ins.rhs, ins.lhs.ty)
        _expect(
            ins.lhs.ty == I64 or (ins.lhs.ty == BOOL and ins.op in ("eq", "ne")),
            fn,
            f"{format_instr(ins)}: bad operand type",
        )
    elif isinstance(ins, IBinary):
        _expect(ins.op in ("add", "sub"), fn, f"unknown op {ins.op}")
        for r in (ins.dst, ins.lhs, ins.rhs):
            ty(r, I64)
    elif isinstance(ins, BNot):
        ty(ins.dst, BOOL)
        ty(ins.src, BOOL)
    elif isinstance(ins, Select):
        ty(ins.cond, BOOL)
        ty(ins.if_true, ins.dst.ty)
        ty(ins.if_false, ins.dst.ty)
    elif isinstance(ins, FToI):
        ty(ins.dst, I64)
        ty(ins.src, F64)
    elif isinstance(ins, IToF):
        ty(ins.dst, F64)
        ty(ins.src, I64)
    elif isinstance(ins, CallIntrinsic):
        intr = INTRINSICS.get(ins.name)
        _expect(intr is not None, fn, f"unknown intrinsic {ins.name}")
        assert intr is not None
        _expect(len(ins.args) == intr.arity, fn, f"{ins.name}: wrong argument count")
        ty(ins.dst, F64)
        for a in ins.args:
            ty(a, F64)
    elif isinstance(ins, CallFunction):
        if module is not None:
            try:
                callee = module.function(ins.callee)
            except KeyError:
                raise IrError(f"{fn.name}: call of unknown function {ins.callee}") from None
            _expect(
                [a.ty for a in ins.args] == callee.param_types,
                fn,
                f"{format_instr(ins)}: argument types do not match {callee.name}",
            )
            if ins.dst is not None:
                ty(ins.dst, callee.ret)
            _expect(0 <= ins.depth_site < len(module.sites), fn, "depth_site out of range")
    else:
        raise IrError(f"{fn.name}: not an instruction: {ins!r}")


def check_function(fn: Function, module: Module | None = None) -> None:
    """Raise IrError unless `fn` is well formed: unique labels, one terminator per block,
    known targets, operand types as documented, calls matching their callee (given `module`)."""
    labels = [b.label for b in fn.blocks]
    _expect(bool(fn.blocks), fn, "no blocks")
    _expect(len(set(labels)) == len(labels), fn, "duplicate block labels")
    known = set(labels)
    for b in fn.blocks:
        for ins in b.instrs:
            _check_instr(ins, fn, module)
        t = b.terminator
        _expect(t is not None, fn, f"block {b.label} has no terminator")
        if isinstance(t, Jump):
            _expect(t.target in known, fn, f"jump to unknown block {t.target}")
        elif isinstance(t, Branch):
            _expect(t.cond.ty == BOOL, fn, f"branch on non-bool {t.cond}")
            _expect({t.if_true, t.if_false} <= known, fn, "branch to unknown block")
        elif isinstance(t, Return):
            _expect(t.value.ty == fn.ret, fn, f"return of {t.value.ty.value}")
        elif isinstance(t, Fail):
            if module is not None:
                _expect(0 <= t.site < len(module.sites), fn, f"unknown fail site {t.site}")
        else:
            raise IrError(f"{fn.name}: bad terminator {t!r}")


def check_module(module: Module) -> None:
    """check_function on every function, plus unique names and fn_id == position."""
    names = [f.name for f in module.functions]
    if len(set(names)) != len(names):
        raise IrError("duplicate function names")
    for i, fn in enumerate(module.functions):
        _expect(fn.fn_id == i, fn, f"fn_id {fn.fn_id} but position {i}")
        check_function(fn, module)
