"""AArch64 machine code from the typed IR (``ilo_aot.ir.ir``), levels 1-2 of design.md §3.

Each IR function becomes a native function with the ABI documented in ``ilo_aot.ir.ir``:
``RET ilo_<name>(IloCtx *ctx, args...)``, F64 in d registers, BOOL as int32 in w registers,
the runtime-error protocol through ``ctx`` (depth count, depth limit before every call, status
check after it, failing-frame trace). Values get registers from the linear-scan allocator
(``regalloc``); F64 constants come from a per-function constant pool; forward branches are
patched by the assembler. Arithmetic is one IEEE instruction per IR operation: never fused
multiply-add, never reordered. ``sqrt fabs floor ceil trunc round min max`` are inline (their
NaN and signed-zero behaviour matches the IR's definition); the other intrinsics call the C
library (``fmod``, ``pow``, ...), which the object file lists as external symbols.

Frame (sp-relative, 16-byte aligned): [sp] x29, x30; then the callee-saved registers used
(x19 holds ctx throughout); then one 8-byte slot per spilled value. A leaf (no call, no
callee-saved register, no spill) has no frame: ctx stays in x0 (x8 when the result goes in x0),
and only the depth count is kept up to date.

Before allocation ``simplify`` merges copies, turns ``+ small constant`` on counters into
add-immediate and drops dead code. Branches go straight past blocks that only jump, a compare
read only by the branch after it becomes ``fcmp``/``cmp`` + ``b.cond``, and no branch is
emitted to the instruction that follows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ilo_aot.ir import ir

from . import encoder as enc
from .asm import Assembler, Label
from .encoder import SP, XZR, Cond
from .link import FunctionCode, align_up
from .regalloc import INLINE_INTRINSICS, Allocation, Location, allocate, has_calls
from .simplify import IBinaryImm, simplify

CTX = 19  # x19 holds the IloCtx pointer for the whole function (functions with a frame)
LEAF_CTX_F64 = 0  # a frameless leaf returning a number keeps ctx where it arrives
LEAF_CTX_GP = 8  # ... one returning in x0 moves it to x8 (never allocated)
GP_SCRATCH = (9, 10)  # sources loaded from spill slots; also protocol temporaries
GP_DST_SCRATCH = 11
FP_SCRATCH = (16, 17)
FP_DST_SCRATCH = 18
MAX_FP_ARGS = 8
MAX_GP_ARGS = 7  # x0 carries ctx
MAX_FRAME = 32752  # every slot stays reachable with an unsigned-offset ldr/str

_FBIN = {"add": enc.fadd, "sub": enc.fsub, "mul": enc.fmul, "div": enc.fdiv}
# IEEE compares after fcmp: every condition but NE is false when unordered.
_FCMP = {"lt": Cond.MI, "le": Cond.LS, "gt": Cond.GT, "ge": Cond.GE, "eq": Cond.EQ,
         "ne": Cond.NE}
_ICMP = {"lt": Cond.LT, "le": Cond.LE, "gt": Cond.GT, "ge": Cond.GE, "eq": Cond.EQ,
         "ne": Cond.NE}
_ROUNDING = {"sqrt": enc.fsqrt, "fabs": enc.fabs, "floor": enc.frintm, "ceil": enc.frintp,
             "trunc": enc.frintz, "round": enc.frinta}


class CodegenError(ValueError):
    """The function cannot be compiled by this backend (the reason says why)."""


@dataclass
class CompiledModule:
    """Machine code for every function of an IR module, ready for ``elf`` or ``link``."""

    functions: list[FunctionCode]
    externals: list[str]
    symbols: dict[str, str] = field(default_factory=dict)  # IR name -> native symbol


class _FunctionCompiler:
    def __init__(self, fn: ir.Function, module: ir.Module, prefix: str) -> None:
        self.fn, (_, self.live_out) = simplify(fn)
        fn = self.fn
        self.module = module
        self.prefix = prefix
        self.asm = Assembler()
        self.externals: set[str] = set()
        self.alloc: Allocation = allocate(fn, (_, self.live_out))
        # A leaf (no calls, no callee-saved register, no spill slot) needs no stack frame.
        self.leaf = (not has_calls(fn) and not self.alloc.callee_saved_gp
                     and not self.alloc.callee_saved_fp and not self.alloc.slots)
        if not self.leaf:
            self.ctx = CTX
        else:
            self.ctx = LEAF_CTX_F64 if fn.ret == ir.F64 else LEAF_CTX_GP
        self.targets = _jump_targets(fn)
        self.fused: ir.FCompare | ir.ICompare | None = None  # compare that feeds the branch
        self.labels: dict[str, Label] = {b.label: self.asm.label(b.label) for b in fn.blocks}
        self.epilogue = self.asm.label("epilogue")
        self.exit = self.asm.label("exit")
        self.propagate = self.asm.label("propagate")
        self.fail_labels: dict[int, Label] = {}
        self.has_calls = False
        gp_saves = [CTX, *self.alloc.callee_saved_gp]
        fp_saves = list(self.alloc.callee_saved_fp)
        if self.leaf:
            gp_saves = []
        self.gp_saves = [(r, 16 + 8 * i) for i, r in enumerate(gp_saves)]
        self.fp_saves = [(r, 16 + 8 * (len(gp_saves) + i)) for i, r in enumerate(fp_saves)]
        self.slot_base = 16 + 8 * (len(gp_saves) + len(fp_saves))
        self.frame = 0 if self.leaf else align_up(self.slot_base + 8 * self.alloc.slots, 16)
        if self.frame > MAX_FRAME:
            raise CodegenError(f"{fn.name}: stack frame of {self.frame} bytes is too large "
                               f"({self.alloc.slots} spilled values)")

    # -- locations -------------------------------------------------------------------------

    def loc(self, reg: ir.Reg) -> Location:
        return self.alloc.locations[reg.id]

    def slot_offset(self, loc: Location) -> int:
        return self.slot_base + 8 * loc.index

    def fp_src(self, reg: ir.Reg, scratch: int = FP_SCRATCH[0]) -> int:
        loc = self.loc(reg)
        if loc.kind == "fp":
            return loc.index
        self.asm.emit(enc.ldr_d(scratch, SP, self.slot_offset(loc)))
        return scratch

    def fp_dst(self, reg: ir.Reg) -> int:
        loc = self.loc(reg)
        return loc.index if loc.kind == "fp" else FP_DST_SCRATCH

    def fp_commit(self, reg: ir.Reg, phys: int) -> None:
        loc = self.loc(reg)
        if loc.kind == "slot":
            self.asm.emit(enc.str_d(phys, SP, self.slot_offset(loc)))
        elif loc.index != phys:
            self.asm.emit(enc.fmov(loc.index, phys))

    def gp_src(self, reg: ir.Reg, scratch: int = GP_SCRATCH[0]) -> int:
        loc = self.loc(reg)
        if loc.kind == "gp":
            return loc.index
        self.asm.emit(enc.ldr_x(scratch, SP, self.slot_offset(loc)))
        return scratch

    def gp_dst(self, reg: ir.Reg) -> int:
        loc = self.loc(reg)
        return loc.index if loc.kind == "gp" else GP_DST_SCRATCH

    def gp_commit(self, reg: ir.Reg, phys: int) -> None:
        loc = self.loc(reg)
        if loc.kind == "slot":
            self.asm.emit(enc.str_x(phys, SP, self.slot_offset(loc)))
        elif loc.index != phys:
            self.asm.emit(enc.mov_reg(loc.index, phys))

    def load_into(self, reg: ir.Reg, phys: int) -> None:
        """Copy an IR value into a specific machine register (d for F64, x otherwise)."""
        loc = self.loc(reg)
        if reg.ty == ir.F64:
            if loc.kind == "slot":
                self.asm.emit(enc.ldr_d(phys, SP, self.slot_offset(loc)))
            elif loc.index != phys:
                self.asm.emit(enc.fmov(phys, loc.index))
        elif loc.kind == "slot":
            self.asm.emit(enc.ldr_x(phys, SP, self.slot_offset(loc)))
        elif loc.index != phys:
            self.asm.emit(enc.mov_reg(phys, loc.index))

    # -- function structure ----------------------------------------------------------------

    def compile(self) -> FunctionCode:
        self.prologue()
        # Blocks that only jump elsewhere are skipped: every branch goes past them.
        blocks = [b for i, b in enumerate(self.fn.blocks)
                  if i == 0 or self.targets[b.label] == b.label]
        for i, block in enumerate(blocks):
            self.asm.bind(self.labels[block.label])
            self.fused = _fusable_compare(block, self.live_out[block.label])
            for ins in block.instrs:
                self.instruction(ins)
            following = blocks[i + 1].label if i + 1 < len(blocks) else None
            self.terminator(block.terminator, following)
        self.exits()
        return self.asm.finish(ir.function_symbol(self.fn.name, self.prefix))

    def prologue(self) -> None:
        a = self.asm
        if not self.leaf:
            self.adjust_sp(enc.sub_imm)
            a.emit(enc.stp_x(29, 30, SP, 0), enc.mov_reg(29, SP))
            for r, off in self.gp_saves:
                a.emit(enc.str_x(r, SP, off))
            for r, off in self.fp_saves:
                a.emit(enc.str_d(r, SP, off))
        if self.ctx != 0:
            a.emit(enc.mov_reg(self.ctx, 0))
        ctx = self.ctx
        a.emit(enc.ldrsw(9, ctx, ir.CTX_DEPTH), enc.add_imm(9, 9, 1),
               enc.str_w(9, ctx, ir.CTX_DEPTH))
        fp_index, gp_index = 0, 1
        for param in self.fn.params:
            loc = self.loc(param)
            if param.ty == ir.F64:
                if fp_index >= MAX_FP_ARGS:
                    raise CodegenError(f"{self.fn.name}: more than {MAX_FP_ARGS} number "
                                       f"parameters")
                self.fp_commit(param, fp_index)
                fp_index += 1
            else:
                if gp_index > MAX_GP_ARGS:
                    raise CodegenError(f"{self.fn.name}: more than {MAX_GP_ARGS} bool "
                                       f"parameters")
                if param.ty == ir.BOOL:  # int32 argument: the upper bits are unspecified
                    dst = loc.index if loc.kind == "gp" else GP_DST_SCRATCH
                    a.emit(enc.and_imm(dst, gp_index, 1))
                    self.gp_commit(param, dst)
                else:
                    self.gp_commit(param, gp_index)
                gp_index += 1

    def adjust_sp(self, op) -> None:
        """sp -= frame (op=sub_imm) or sp += frame (op=add_imm), in at most two steps."""
        for part in (self.frame & ~0xFFF, self.frame & 0xFFF):
            if part:
                self.asm.emit(op(SP, SP, part))

    def exits(self) -> None:
        """Shared tails: normal return, failure propagation, and one stub per fail site."""
        a = self.asm
        ctx = self.ctx
        a.bind(self.epilogue)
        a.emit(enc.ldrsw(9, ctx, ir.CTX_DEPTH), enc.sub_imm(9, 9, 1),
               enc.str_w(9, ctx, ir.CTX_DEPTH))
        a.bind(self.exit)
        if not self.leaf:
            for r, off in self.fp_saves:
                a.emit(enc.ldr_d(r, SP, off))
            for r, off in self.gp_saves:
                a.emit(enc.ldr_x(r, SP, off))
            a.emit(enc.ldp_x(29, 30, SP, 0))
            self.adjust_sp(enc.add_imm)
        a.emit(enc.ret())
        if not self.fail_labels and not self.has_calls:
            return
        # Record this frame in the trace (if there is room), count it, return zero.
        a.bind(self.propagate)
        skip = a.label("no_room")
        a.emit(enc.ldrsw(9, ctx, ir.CTX_TRACE_LEN), enc.ldrsw(10, ctx, ir.CTX_TRACE_CAP),
               enc.cmp_reg(9, 10))
        a.b_cond(Cond.GE, skip)
        a.emit(enc.ldr_x(10, ctx, ir.CTX_TRACE), *enc.mov_imm64(11, self.fn.fn_id),
               enc.str_w_indexed(11, 10, 9))
        a.bind(skip)
        a.emit(enc.add_imm(9, 9, 1), enc.str_w(9, ctx, ir.CTX_TRACE_LEN),
               enc.mov_reg(0, XZR), enc.fmov_from_gpr(0, XZR))
        a.b(self.exit)
        for site, label in sorted(self.fail_labels.items()):
            a.bind(label)
            a.emit(*enc.mov_imm64(9, site + 1), enc.str_w(9, ctx, ir.CTX_STATUS))
            a.b(self.propagate)

    def fail_label(self, site: int) -> Label:
        if site not in self.fail_labels:
            self.fail_labels[site] = self.asm.label(f"fail{site}")
        return self.fail_labels[site]

    # -- instructions ----------------------------------------------------------------------

    def instruction(self, ins: ir.Instr | IBinaryImm) -> None:
        a = self.asm
        if isinstance(ins, ir.Const):
            self.constant(ins)
        elif isinstance(ins, ir.Copy):
            if ins.dst.ty == ir.F64:
                src = self.fp_src(ins.src)
                self.fp_commit(ins.dst, src)
            else:
                src = self.gp_src(ins.src)
                self.gp_commit(ins.dst, src)
        elif isinstance(ins, ir.FBinary):
            lhs, rhs = self.fp_src(ins.lhs, FP_SCRATCH[0]), self.fp_src(ins.rhs, FP_SCRATCH[1])
            dst = self.fp_dst(ins.dst)
            a.emit(_FBIN[ins.op](dst, lhs, rhs))
            self.fp_commit(ins.dst, dst)
        elif isinstance(ins, ir.FNeg):
            src, dst = self.fp_src(ins.src), self.fp_dst(ins.dst)
            a.emit(enc.fneg(dst, src))
            self.fp_commit(ins.dst, dst)
        elif isinstance(ins, ir.FCompare):
            lhs, rhs = self.fp_src(ins.lhs, FP_SCRATCH[0]), self.fp_src(ins.rhs, FP_SCRATCH[1])
            a.emit(enc.fcmp(lhs, rhs))
            if ins is not self.fused:
                dst = self.gp_dst(ins.dst)
                a.emit(enc.cset(dst, _FCMP[ins.op]))
                self.gp_commit(ins.dst, dst)
        elif isinstance(ins, ir.ICompare):
            lhs, rhs = self.gp_src(ins.lhs, GP_SCRATCH[0]), self.gp_src(ins.rhs, GP_SCRATCH[1])
            a.emit(enc.cmp_reg(lhs, rhs))
            if ins is not self.fused:
                dst = self.gp_dst(ins.dst)
                a.emit(enc.cset(dst, _ICMP[ins.op]))
                self.gp_commit(ins.dst, dst)
        elif isinstance(ins, ir.IBinary):
            lhs, rhs = self.gp_src(ins.lhs, GP_SCRATCH[0]), self.gp_src(ins.rhs, GP_SCRATCH[1])
            dst = self.gp_dst(ins.dst)
            a.emit((enc.add_reg if ins.op == "add" else enc.sub_reg)(dst, lhs, rhs))
            self.gp_commit(ins.dst, dst)
        elif isinstance(ins, IBinaryImm):
            lhs, dst = self.gp_src(ins.lhs), self.gp_dst(ins.dst)
            a.emit((enc.add_imm if ins.op == "add" else enc.sub_imm)(dst, lhs, ins.imm))
            self.gp_commit(ins.dst, dst)
        elif isinstance(ins, ir.BNot):
            src, dst = self.gp_src(ins.src), self.gp_dst(ins.dst)
            a.emit(enc.eor_imm(dst, src, 1))
            self.gp_commit(ins.dst, dst)
        elif isinstance(ins, ir.Select):
            self.select(ins)
        elif isinstance(ins, ir.FToI):
            src, dst = self.fp_src(ins.src), self.gp_dst(ins.dst)
            a.emit(enc.fcvtzs(dst, src))
            self.gp_commit(ins.dst, dst)
        elif isinstance(ins, ir.IToF):
            src, dst = self.gp_src(ins.src), self.fp_dst(ins.dst)
            a.emit(enc.scvtf(dst, src))
            self.fp_commit(ins.dst, dst)
        elif isinstance(ins, ir.CallIntrinsic):
            self.intrinsic(ins)
        elif isinstance(ins, ir.CallFunction):
            self.call(ins)
        else:
            raise CodegenError(f"{self.fn.name}: unsupported IR instruction {ins!r}")

    def constant(self, ins: ir.Const) -> None:
        if ins.dst.ty == ir.F64:
            dst = self.fp_dst(ins.dst)
            self.asm.ldr_d_const(dst, float(ins.value))
            self.fp_commit(ins.dst, dst)
        else:
            dst = self.gp_dst(ins.dst)
            self.asm.emit(*enc.mov_imm64(dst, int(ins.value)))
            self.gp_commit(ins.dst, dst)

    def select(self, ins: ir.Select) -> None:
        a = self.asm
        cond = self.gp_src(ins.cond, GP_SCRATCH[0])
        a.emit(enc.cmp_imm(cond, 0))
        if ins.dst.ty == ir.F64:
            t = self.fp_src(ins.if_true, FP_SCRATCH[0])
            f = self.fp_src(ins.if_false, FP_SCRATCH[1])
            dst = self.fp_dst(ins.dst)
            a.emit(enc.fcsel(dst, t, f, Cond.NE))
            self.fp_commit(ins.dst, dst)
        else:
            t = self.gp_src(ins.if_true, GP_SCRATCH[1])
            f = self.gp_src(ins.if_false, GP_DST_SCRATCH)
            dst = self.gp_dst(ins.dst)
            a.emit(enc.csel(dst, t, f, Cond.NE))
            self.gp_commit(ins.dst, dst)

    def intrinsic(self, ins: ir.CallIntrinsic) -> None:
        a = self.asm
        if ins.name in _ROUNDING:
            src, dst = self.fp_src(ins.args[0]), self.fp_dst(ins.dst)
            a.emit(_ROUNDING[ins.name](dst, src))
            self.fp_commit(ins.dst, dst)
        elif ins.name in ("min", "max"):
            # min(a, b) = b if isnan(a) else a if isnan(b) else (b if b < a else a); max alike.
            x = self.fp_src(ins.args[0], FP_SCRATCH[0])
            y = self.fp_src(ins.args[1], FP_SCRATCH[1])
            t = FP_DST_SCRATCH
            a.emit(enc.fcmp(y, x), enc.fcsel(t, y, x, Cond.MI if ins.name == "min" else Cond.GT),
                   enc.fcmp(x, x), enc.fcsel(t, y, t, Cond.VS))
            self.fp_commit(ins.dst, t)
        elif ins.name in INLINE_INTRINSICS:
            raise CodegenError(f"{self.fn.name}: intrinsic {ins.name} has no inline form")
        else:
            intrinsic = ir.INTRINSICS.get(ins.name)
            if intrinsic is None or intrinsic.libm is None:
                raise CodegenError(f"{self.fn.name}: unknown intrinsic {ins.name!r}")
            for i, arg in enumerate(ins.args):
                self.load_into(arg, i)
            self.externals.add(intrinsic.libm)
            a.bl_symbol(intrinsic.libm)
            self.fp_commit(ins.dst, 0)

    def call(self, ins: ir.CallFunction) -> None:
        a = self.asm
        callee = self.module.function(ins.callee)
        # Depth limit first: the callee never starts when it would be one call too deep.
        a.emit(enc.ldrsw(9, self.ctx, ir.CTX_DEPTH), enc.ldrsw(10, self.ctx, ir.CTX_DEPTH_LIMIT),
               enc.cmp_reg(9, 10))
        a.b_cond(Cond.GE, self.fail_label(ins.depth_site))
        fp_index, gp_index = 0, 1
        for arg in ins.args:
            if arg.ty == ir.F64:
                if fp_index >= MAX_FP_ARGS:
                    raise CodegenError(f"{self.fn.name}: call of {callee.name} passes more "
                                       f"than {MAX_FP_ARGS} numbers")
                self.load_into(arg, fp_index)
                fp_index += 1
            else:
                if gp_index > MAX_GP_ARGS:
                    raise CodegenError(f"{self.fn.name}: call of {callee.name} passes more "
                                       f"than {MAX_GP_ARGS} bools")
                self.load_into(arg, gp_index)
                gp_index += 1
        a.emit(enc.mov_reg(0, self.ctx))
        a.bl_symbol(ir.function_symbol(callee.name, self.prefix))
        a.emit(enc.ldrsw(9, self.ctx, ir.CTX_STATUS))
        a.cbnz(9, self.propagate)
        self.has_calls = True
        if ins.dst is None:
            return
        if ins.dst.ty == ir.F64:
            self.fp_commit(ins.dst, 0)
        elif ins.dst.ty == ir.BOOL:
            dst = self.gp_dst(ins.dst)
            a.emit(enc.and_imm(dst, 0, 1))
            self.gp_commit(ins.dst, dst)
        else:
            self.gp_commit(ins.dst, 0)

    # -- terminators -----------------------------------------------------------------------

    def terminator(self, term: ir.Terminator | None, following: str | None) -> None:
        a = self.asm
        if isinstance(term, ir.Jump):
            target = self.targets[term.target]
            if target != following:
                a.b(self.labels[target])
        elif isinstance(term, ir.Branch):
            if_true, if_false = self.targets[term.if_true], self.targets[term.if_false]
            if self.fused is not None:
                table = _FCMP if isinstance(self.fused, ir.FCompare) else _ICMP
                # Inverting a condition code negates it for every flag state, unordered too.
                taken = table[self.fused.op]
                if if_true == following:
                    a.b_cond(taken.invert(), self.labels[if_false])
                else:
                    a.b_cond(taken, self.labels[if_true])
                    if if_false != following:
                        a.b(self.labels[if_false])
                return
            cond = self.gp_src(term.cond)
            if if_true == following:
                a.cbz(cond, self.labels[if_false])
            else:
                a.cbnz(cond, self.labels[if_true])
                if if_false != following:
                    a.b(self.labels[if_false])
        elif isinstance(term, ir.Return):
            self.load_into(term.value, 0)
            if following is not None:
                a.b(self.epilogue)
        elif isinstance(term, ir.Fail):
            a.b(self.fail_label(term.site))
        else:
            raise CodegenError(f"{self.fn.name}: block without a valid terminator: {term!r}")


def _jump_targets(fn: ir.Function) -> dict[str, str]:
    """Each block label -> the block control really reaches: chains of empty blocks that
    only jump are followed (a cycle of them stops where it closes)."""
    by_label = {b.label: b for b in fn.blocks}
    result: dict[str, str] = {}
    for block in fn.blocks:
        label, seen = block.label, set()
        while label not in seen:
            seen.add(label)
            b = by_label[label]
            if b.instrs or not isinstance(b.terminator, ir.Jump) or b is fn.blocks[0]:
                break
            label = b.terminator.target
        result[block.label] = label
    return result


def _fusable_compare(block: ir.Block, live_out: set[int]) -> ir.FCompare | ir.ICompare | None:
    """The block's last instruction when it is a compare read only by the block's branch
    (then the branch tests the flags directly: no cset, no cbz)."""
    term = block.terminator
    if not block.instrs or not isinstance(term, ir.Branch):
        return None
    last = block.instrs[-1]
    if (isinstance(last, ir.FCompare | ir.ICompare) and last.dst == term.cond
            and last.dst.id not in live_out):
        return last
    return None


def compile_function(fn: ir.Function, module: ir.Module,
                     prefix: str = ir.DEFAULT_SYMBOL_PREFIX) -> tuple[FunctionCode, set[str]]:
    """Machine code for one IR function and the C library symbols it calls."""
    compiler = _FunctionCompiler(fn, module, prefix)
    code = compiler.compile()
    return code, compiler.externals


def compile_module(module: ir.Module, prefix: str = ir.DEFAULT_SYMBOL_PREFIX) -> CompiledModule:
    """Machine code for every function of ``module`` (checked with ``ir.check_module``)."""
    try:
        ir.check_module(module)
    except ir.IrError as exc:
        raise CodegenError(f"invalid IR: {exc}") from None
    functions: list[FunctionCode] = []
    externals: set[str] = set()
    for fn in module.functions:
        code, used = compile_function(fn, module, prefix)
        functions.append(code)
        externals |= used
    symbols = {fn.name: ir.function_symbol(fn.name, prefix) for fn in module.functions}
    return CompiledModule(functions, sorted(externals), symbols)


def listing(code: FunctionCode, address: int = 0) -> str:
    """Readable assembly of generated code (capstone if installed, else the raw words), with
    the symbol each relocated instruction refers to."""
    relocated = {rel.offset: f"{rel.kind.name} {rel.symbol}" for rel in code.relocations}
    words = [int.from_bytes(code.code[i:i + 4], "little") for i in range(0, len(code.code), 4)]
    texts: list[str] = [f".word {w:#010x}" for w in words]
    try:
        import capstone
    except ImportError:
        capstone = None
    if capstone is not None:
        md = capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM)
        for i, word in enumerate(words):
            for insn in md.disasm(word.to_bytes(4, "little"), address + 4 * i):
                texts[i] = f"{insn.mnemonic} {insn.op_str}".strip()
    lines = [f"{code.name}:"]
    for i, text in enumerate(texts):
        note = f"    ; {relocated[4 * i]}" if 4 * i in relocated else ""
        lines.append(f"  {address + 4 * i:6x}:  {words[i]:08x}  {text}{note}")
    return "\n".join(lines)


def write_module_object(module: ir.Module, path: str | os.PathLike,
                        prefix: str = ir.DEFAULT_SYMBOL_PREFIX, *, hidden: bool = False) -> None:
    """Compile ``module`` and write it as an AArch64 ELF relocatable object to ``path``."""
    from .elf import write_object

    compiled = compile_module(module, prefix)
    write_object(compiled.functions, compiled.externals, path, hidden=hidden)
