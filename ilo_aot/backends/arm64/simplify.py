"""Machine-independent clean-ups of an IR function before register allocation, so the AArch64
code generator emits fewer instructions. Results are unchanged: every rewrite keeps each
register's value at every point where it is read.

- Add-immediate: ``IBinary(d, add|sub, x, k)`` where ``k`` was set by a ``Const`` earlier in the
  same block (and not written since) to a value an add/sub immediate can hold becomes
  ``IBinaryImm(d, op, x, value)``.
- Copy sinking: ``X = op(...); ...; V = X`` in one block, where that copy is X's only read and
  X's only write is ``op``, and nothing in between touches V, becomes ``V = op(...)`` (the copy
  disappears; the allocator sees one register fewer).
- Copy forwarding: ``V = X; ...; use(V)`` in one block, where V is written only by that copy
  and read only by that use, and X is not written in between, becomes ``use(X)``.
- Dead code: pure instructions whose result is never read are dropped (a ``CallFunction``
  is never dropped: it can fail).

``simplify`` returns a new ``ir.Function`` (same ``Reg`` objects, new blocks) and the liveness
of the result, which the allocator reuses.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

from ilo_aot.ir import ir

ADD_IMM_LIMIT = 4096  # add/sub (immediate) hold an unsigned 12-bit value


@dataclass(frozen=True)
class IBinaryImm:
    """``dst = lhs op imm`` for I64 registers, op in add sub, 0 <= imm < 4096."""

    dst: ir.Reg
    op: str
    lhs: ir.Reg
    imm: int


Instr = ir.Instr | IBinaryImm
Liveness = tuple[dict[str, set[int]], dict[str, set[int]]]


def simplify(fn: ir.Function) -> tuple[ir.Function, Liveness]:
    """The rewritten function and its liveness (``regalloc.liveness`` of the result)."""
    from .regalloc import liveness

    blocks = [ir.Block(b.label, _add_immediates(b.instrs), b.terminator) for b in fn.blocks]
    blocks = _sink_copies(fn.params, blocks)
    out = dataclasses.replace(fn, blocks=blocks)
    while True:
        live = liveness(out)
        kept = [ir.Block(b.label, _live_instrs(b, live[1][b.label]), b.terminator)
                for b in out.blocks]
        if all(len(k.instrs) == len(b.instrs) for k, b in zip(kept, out.blocks, strict=True)):
            return out, live
        out = dataclasses.replace(out, blocks=kept)


def _add_immediates(instrs: list[Instr]) -> list[Instr]:
    known: dict[int, int] = {}  # register id -> integer constant it holds here
    result: list[Instr] = []
    for ins in instrs:
        if isinstance(ins, ir.IBinary) and ins.rhs.id in known:
            value = known[ins.rhs.id]
            op = ins.op
            if value < 0:
                op, value = ("sub" if op == "add" else "add"), -value
            if 0 <= value < ADD_IMM_LIMIT:
                ins = IBinaryImm(ins.dst, op, ins.lhs, value)
        dst = getattr(ins, "dst", None)
        if dst is not None:
            known.pop(dst.id, None)
            if isinstance(ins, ir.Const) and dst.ty == ir.I64:
                known[dst.id] = int(ins.value)
        result.append(ins)
    return result


def _sink_copies(params: list[ir.Reg], blocks: list[ir.Block]) -> list[ir.Block]:
    from .regalloc import defined, uses

    reads: Counter[int] = Counter()
    writes: Counter[int] = Counter(p.id for p in params)
    for block in blocks:
        for ins in [*block.instrs, block.terminator]:
            reads.update(r.id for r in uses(ins))
            d = defined(ins)
            if d is not None:
                writes[d.id] += 1
    result: list[ir.Block] = []
    for block in blocks:
        instrs: list[Instr | None] = list(block.instrs)
        terminator = block.terminator
        where: dict[int, int] = {}  # register id -> index of its (single) write in this block
        for j, ins in enumerate(instrs):
            if isinstance(ins, ir.Copy) and ins.src.id != ins.dst.id:
                v = ins.dst.id
                i = where.get(ins.src.id)
                if (i is not None and reads[ins.src.id] == 1 and writes[ins.src.id] == 1
                        and not any(ins.dst in uses(x) or getattr(x, "dst", None) == ins.dst
                                    for x in instrs[i + 1:j] if x is not None)):
                    instrs[i] = dataclasses.replace(instrs[i], dst=ins.dst)
                    instrs[j] = None
                    del where[ins.src.id]
                    where[v] = i
                    continue
                k = _reader(instrs, j, terminator, ins) if reads[v] == writes[v] == 1 else None
                if k is not None:
                    if k == len(instrs):
                        terminator = _replace_use(terminator, ins.dst, ins.src)
                    else:
                        instrs[k] = _replace_use(instrs[k], ins.dst, ins.src)
                    instrs[j] = None
                    continue
            d = defined(ins) if ins is not None else None
            if d is not None:
                where[d.id] = j
        result.append(ir.Block(block.label, [x for x in instrs if x is not None], terminator))
    return result


_OPERANDS = ("src", "lhs", "rhs", "cond", "if_true", "if_false", "value")


def _replace_use(ins, old: ir.Reg, new: ir.Reg):
    """``ins`` reading ``new`` where it read ``old``."""
    changes = {name: new for name in _OPERANDS if getattr(ins, name, None) == old}
    args = getattr(ins, "args", None)
    if args is not None and old in args:
        changes["args"] = tuple(new if a == old else a for a in args)
    return dataclasses.replace(ins, **changes) if changes else ins


def _reader(instrs: list[Instr | None], j: int, terminator: ir.Terminator,
            copy: ir.Copy) -> int | None:
    """Index of the first read of ``copy.dst`` after position ``j`` in this block
    (``len(instrs)`` for the terminator), or None when there is none or ``copy.src`` is
    written before it."""
    from .regalloc import uses

    for k in range(j + 1, len(instrs)):
        x = instrs[k]
        if x is None:
            continue
        if copy.dst in uses(x):
            return k
        if getattr(x, "dst", None) == copy.src:
            return None
    return len(instrs) if copy.dst in uses(terminator) else None


def _live_instrs(block: ir.Block, live_out: set[int]) -> list[Instr]:
    from .regalloc import uses

    live = set(live_out)
    live.update(r.id for r in uses(block.terminator))
    kept: list[Instr] = []
    for ins in reversed(block.instrs):
        dst = getattr(ins, "dst", None)
        if dst is not None and dst.id not in live and not isinstance(ins, ir.CallFunction):
            continue
        if dst is not None:
            live.discard(dst.id)
        live.update(r.id for r in uses(ins))
        kept.append(ins)
    kept.reverse()
    return kept
