"""Liveness and linear-scan register allocation for IR functions on AArch64.

IR registers are mutable (written any number of times, on any path), so each gets one location
for its whole life: the hull of every position where it is defined, used or live across a block
boundary. F64 values go to FP registers, BOOL and I64 values to general registers; values live
across a call get callee-saved registers (d8-d15, x20-x28) or a stack slot. Argument registers
(d0-d7, x0-x7) are never allocated in a function that calls, so moving arguments into place
before a call and parameters out of them on entry never conflicts with an allocated value; a
function without calls allocates d0-d7 and x1-x7 too (x0 keeps ctx) and leaves each parameter
where it arrives.

Reserved for the code generator: d16-d18 and x9-x11 (scratch), x16/x17 (linker veneers),
x18 (platform register), x19 (the IloCtx pointer; x0 or x8 in a frameless leaf), x29/x30 (frame
pointer, link register).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ilo_aot.ir import ir

from .simplify import IBinaryImm, Instr, Liveness

FP_CALLER_SAVED = tuple(range(19, 32))
FP_CALLEE_SAVED = tuple(range(8, 16))
GP_CALLER_SAVED = (12, 13, 14, 15)
GP_CALLEE_SAVED = tuple(range(20, 29))


@dataclass(frozen=True)
class Location:
    """Where a value lives: an FP register ("fp"), a general register ("gp") or a stack slot
    ("slot", numbered from 0, 8 bytes each)."""

    kind: str
    index: int


@dataclass
class Interval:
    """The positions over which one IR register must keep its value."""

    reg: ir.Reg
    start: int
    end: int
    crosses_call: bool = False


@dataclass
class Allocation:
    """Location of every IR register (by id) and what the prologue must save."""

    locations: dict[int, Location]
    callee_saved_fp: list[int] = field(default_factory=list)
    callee_saved_gp: list[int] = field(default_factory=list)
    slots: int = 0


def is_fp(reg: ir.Reg) -> bool:
    """Whether the IR register lives in the FP register file."""
    return reg.ty == ir.F64


def is_call(ins: Instr) -> bool:
    """Whether the instruction becomes a call that clobbers caller-saved registers."""
    if isinstance(ins, ir.CallFunction):
        return True
    if isinstance(ins, ir.CallIntrinsic):
        return ins.name in LIBM_INTRINSICS
    return False


# Intrinsics the code generator computes inline; the rest are C library calls.
INLINE_INTRINSICS = frozenset({"sqrt", "fabs", "floor", "ceil", "trunc", "round", "min", "max"})
LIBM_INTRINSICS = frozenset(n for n in ir.INTRINSICS if n not in INLINE_INTRINSICS)


# Operand fields read by each instruction and terminator type (a dict lookup: uses() is hot).
_READS: dict[type, tuple[str, ...]] = {
    ir.Copy: ("src",), ir.FNeg: ("src",), ir.BNot: ("src",), ir.FToI: ("src",),
    ir.IToF: ("src",), IBinaryImm: ("lhs",), ir.FBinary: ("lhs", "rhs"),
    ir.FCompare: ("lhs", "rhs"), ir.ICompare: ("lhs", "rhs"), ir.IBinary: ("lhs", "rhs"),
    ir.Select: ("cond", "if_true", "if_false"), ir.Branch: ("cond",), ir.Return: ("value",),
}


def uses(ins: Instr | ir.Terminator) -> list[ir.Reg]:
    """IR registers an instruction or terminator reads."""
    kind = type(ins)
    if kind is ir.CallIntrinsic or kind is ir.CallFunction:
        return list(ins.args)
    return [getattr(ins, name) for name in _READS.get(kind, ())]


def defined(ins: Instr | ir.Terminator) -> ir.Reg | None:
    """The IR register an instruction writes, if any."""
    return getattr(ins, "dst", None)


def successors(block: ir.Block) -> list[str]:
    """Labels control can reach from the end of ``block``."""
    term = block.terminator
    if isinstance(term, ir.Jump):
        return [term.target]
    if isinstance(term, ir.Branch):
        return [term.if_true, term.if_false]
    return []


def liveness(fn: ir.Function) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """Registers (by id) live at the start and at the end of each block (backward dataflow
    to a fixed point)."""
    gen: dict[str, set[int]] = {}
    kill: dict[str, set[int]] = {}
    for block in fn.blocks:
        g: set[int] = set()
        k: set[int] = set()
        for ins in [*block.instrs, block.terminator]:
            g.update(r.id for r in uses(ins) if r.id not in k)
            d = defined(ins)
            if d is not None:
                k.add(d.id)
        gen[block.label], kill[block.label] = g, k
    live_in: dict[str, set[int]] = {b.label: set() for b in fn.blocks}
    live_out: dict[str, set[int]] = {b.label: set() for b in fn.blocks}
    changed = True
    while changed:
        changed = False
        for block in reversed(fn.blocks):
            out: set[int] = set()
            for succ in successors(block):
                out |= live_in[succ]
            new_in = gen[block.label] | (out - kill[block.label])
            if out != live_out[block.label] or new_in != live_in[block.label]:
                live_out[block.label], live_in[block.label] = out, new_in
                changed = True
    return live_in, live_out


def has_calls(fn: ir.Function) -> bool:
    """Whether any instruction of ``fn`` becomes a call (then argument registers are clobbered
    and the function needs a frame for the link register)."""
    return any(is_call(ins) for block in fn.blocks for ins in block.instrs)


def build_intervals(fn: ir.Function, live: Liveness | None = None) -> list[Interval]:
    """One interval per IR register, in order of start position. Position 0 is the entry
    (parameters); instruction positions follow the block order of ``fn``. ``live`` is
    ``liveness(fn)`` when the caller already has it."""
    live_in, live_out = live if live is not None else liveness(fn)
    regs: dict[int, ir.Reg] = {}
    bounds: dict[int, list[int]] = {}

    def touch(reg: ir.Reg, pos: int) -> None:
        regs[reg.id] = reg
        span = bounds.setdefault(reg.id, [pos, pos])
        span[0] = min(span[0], pos)
        span[1] = max(span[1], pos)

    for param in fn.params:
        touch(param, 0)
    pos = 0
    calls: list[int] = []
    block_ranges: dict[str, tuple[int, int]] = {}
    for block in fn.blocks:
        first = pos + 1
        for ins in [*block.instrs, block.terminator]:
            pos += 1
            for reg in uses(ins):
                touch(reg, pos)
            d = defined(ins)
            if d is not None:
                touch(d, pos)
            if isinstance(ins, ir.CallFunction | ir.CallIntrinsic) and is_call(ins):
                calls.append(pos)
        block_ranges[block.label] = (first, pos)
    # A register live into a block is live from that block's start; live out, to its end.
    for block in fn.blocks:
        first, last = block_ranges[block.label]
        for rid in live_in[block.label]:
            if rid in regs:
                touch(regs[rid], first)
        for rid in live_out[block.label]:
            if rid in regs:
                touch(regs[rid], last)
    intervals = [Interval(regs[rid], lo, hi, any(lo < c < hi for c in calls))
                 for rid, (lo, hi) in bounds.items()]
    intervals.sort(key=lambda iv: (iv.start, iv.reg.id))
    return intervals


def allocate(fn: ir.Function, live: Liveness | None = None) -> Allocation:
    """Linear scan over ``build_intervals(fn)``; spills the interval that ends last.

    In a function without calls the argument registers (d0-d7, x1-x7) are allocatable too,
    and each parameter keeps the register it arrives in (no copy on entry); a returned number
    goes to d0 when that is free."""
    leaf = not has_calls(fn)
    arg_fp, arg_gp = (tuple(range(0, 8)), tuple(range(1, 8))) if leaf else ((), ())
    preferred: dict[int, int] = {}
    if leaf:
        fp_index, gp_index = 0, 1
        for param in fn.params:
            if is_fp(param):
                if fp_index < 8:
                    preferred[param.id] = fp_index
                fp_index += 1
            else:
                if gp_index < 8:
                    preferred[param.id] = gp_index
                gp_index += 1
        if fn.ret == ir.F64:  # returned values would rather be computed in d0 already
            for block in fn.blocks:
                if isinstance(block.terminator, ir.Return):
                    preferred.setdefault(block.terminator.value.id, 0)
    locations: dict[int, Location] = {}
    active: list[tuple[Interval, int]] = []  # (interval, register) currently holding a register
    busy: dict[str, set[int]] = {"fp": set(), "gp": set()}
    slots = 0
    used_callee: dict[str, set[int]] = {"fp": set(), "gp": set()}

    def new_slot() -> Location:
        nonlocal slots
        slots += 1
        return Location("slot", slots - 1)

    for iv in build_intervals(fn, live):
        kind = "fp" if is_fp(iv.reg) else "gp"
        for old in [a for a in active if a[0].end < iv.start]:
            active.remove(old)
            busy["fp" if is_fp(old[0].reg) else "gp"].discard(old[1])
        callee = FP_CALLEE_SAVED if kind == "fp" else GP_CALLEE_SAVED
        caller = FP_CALLER_SAVED if kind == "fp" else GP_CALLER_SAVED
        args = arg_fp if kind == "fp" else arg_gp
        candidates = callee if iv.crosses_call else caller + args + callee
        free = [r for r in candidates if r not in busy[kind]]
        hint = preferred.get(iv.reg.id)
        if hint is not None and hint in free:
            free.insert(0, hint)
        if free:
            reg = free[0]
        else:
            holders = [a for a in active if (is_fp(a[0].reg) == (kind == "fp"))
                       and a[1] in candidates]
            victim = max(holders, key=lambda a: a[0].end, default=None)
            if victim is None or victim[0].end <= iv.end:
                locations[iv.reg.id] = new_slot()
                continue
            active.remove(victim)
            locations[victim[0].reg.id] = new_slot()
            reg = victim[1]
            busy[kind].discard(reg)
        busy[kind].add(reg)
        active.append((iv, reg))
        locations[iv.reg.id] = Location(kind, reg)
        if reg in callee:
            used_callee[kind].add(reg)
    return Allocation(locations, sorted(used_callee["fp"]), sorted(used_callee["gp"]), slots)
