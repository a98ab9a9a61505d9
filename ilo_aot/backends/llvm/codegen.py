"""IR (`ilo_aot.ir.ir`) -> LLVM IR text, implementing the native ABI documented there.

The text is written directly (not through llvmlite.ir) so that every detail that matters for
bit-identical results is visible here: no fast-math flags anywhere, C library calls marked
`nobuiltin` (LLVM may neither constant-fold them with its own arithmetic nor rewrite them, so
results come from the same libm as Python's `math`), doubles written as exact hex constants.

Each IR register becomes an `alloca` in the entry block; the O2 pipeline (mem2reg/SROA) turns
them into SSA values.
"""

from __future__ import annotations

import struct

from ilo_aot.ir import ir
from ilo_aot.ir.ir import BOOL, F64, I64, IrType

CTX_TYPE = "%IloCtx"
CTX_TYPE_DEF = "%IloCtx = type { i32, i32, i32, i32, i32, i32, ptr }"
# Field indices in %IloCtx (see the ABI in ilo_aot.ir.ir).
_STATUS, _DEPTH, _LIMIT, _TRACE_LEN, _TRACE_CAP, _TRACE = 0, 1, 2, 3, 4, 6

_LLVM_INTRINSIC = {
    "sqrt": "llvm.sqrt.f64",
    "fabs": "llvm.fabs.f64",
    "floor": "llvm.floor.f64",
    "ceil": "llvm.ceil.f64",
    "trunc": "llvm.trunc.f64",
    "round": "llvm.round.f64",
}
_FBIN = {"add": "fadd", "sub": "fsub", "mul": "fmul", "div": "fdiv"}
_FCMP = {"lt": "olt", "le": "ole", "gt": "ogt", "ge": "oge", "eq": "oeq", "ne": "une"}
_ICMP = {"lt": "slt", "le": "sle", "gt": "sgt", "ge": "sge", "eq": "eq", "ne": "ne"}


def llvm_type(t: IrType) -> str:
    """The LLVM type of a register of IR type `t` inside a function."""
    return {F64: "double", BOOL: "i1", I64: "i64"}[t]


def abi_type(t: IrType) -> str:
    """The LLVM type of a parameter/result of IR type `t` at the native ABI boundary."""
    return {F64: "double", BOOL: "i32", I64: "i64"}[t]


def double_literal(x: float) -> str:
    """An exact LLVM literal for the double `x` (hex bit pattern)."""
    bits = struct.unpack("<Q", struct.pack("<d", x))[0]
    return f"0x{bits:016X}"


def _const_literal(t: IrType, v: float | bool | int) -> str:
    if t == F64:
        return double_literal(float(v))
    if t == BOOL:
        return "true" if v else "false"
    return str(int(v))


def ctx_type_definition() -> str:
    return CTX_TYPE_DEF


class _FunctionEmitter:
    def __init__(self, fn: ir.Function, module: ir.Module, prefix: str) -> None:
        self.fn = fn
        self.module = module
        self.prefix = prefix
        self.lines: list[str] = []
        self.tmp = 0
        self.extra_block = 0
        self.regs: dict[int, ir.Reg] = {}
        self.libm_used: set[str] = set()
        self.intrinsics_used: set[str] = set()

    # -- helpers
    def t(self) -> str:
        self.tmp += 1
        return f"%t{self.tmp}"

    def emit(self, line: str) -> None:
        self.lines.append("  " + line)

    def label(self, name: str) -> None:
        self.lines.append(f'"{name}":')

    def new_block_name(self, hint: str) -> str:
        self.extra_block += 1
        return f"x.{hint}.{self.extra_block}"

    @staticmethod
    def block_name(label: str) -> str:
        return f"b.{label}"

    def slot(self, r: ir.Reg) -> str:
        self.regs[r.id] = r
        return f"%r{r.id}"

    def load(self, r: ir.Reg) -> str:
        v = self.t()
        self.emit(f"{v} = load {llvm_type(r.ty)}, ptr {self.slot(r)}")
        return v

    def store(self, r: ir.Reg, value: str) -> None:
        self.emit(f"store {llvm_type(r.ty)} {value}, ptr {self.slot(r)}")

    def ctx_field(self, index: int) -> str:
        p = self.t()
        self.emit(f"{p} = getelementptr inbounds {CTX_TYPE}, ptr %ctx, i32 0, i32 {index}")
        return p

    def symbol(self, name: str) -> str:
        return ir.function_symbol(name, self.prefix)

    # -- whole function
    def run(self) -> list[str]:
        fn = self.fn
        body: list[str] = []
        self.lines = body
        # Entry: parameters into their slots, depth check.
        self.label("entry")
        for i, p in enumerate(fn.params):
            if p.ty == BOOL:
                v = self.t()
                self.emit(f"{v} = icmp ne i32 %a{i}, 0")
                self.store(p, v)
            else:
                self.store(p, f"%a{i}")
        dp = self.ctx_field(_DEPTH)
        d0 = self.t()
        self.emit(f"{d0} = load i32, ptr {dp}")
        d1 = self.t()
        self.emit(f"{d1} = add i32 {d0}, 1")
        self.emit(f"store i32 {d1}, ptr {dp}")
        self.emit(f'br label %"{self.block_name(fn.blocks[0].label)}"')

        for b in fn.blocks:
            self.label(self.block_name(b.label))
            for ins in b.instrs:
                self.instr(ins)
            assert b.terminator is not None, f"block {b.label} has no terminator"
            self.terminator(b.terminator)

        # Unwind: record this frame in the trace, return a dummy value.
        self.label("x.unwind")
        lenp = self.ctx_field(_TRACE_LEN)
        n = self.t()
        self.emit(f"{n} = load i32, ptr {lenp}")
        capp = self.ctx_field(_TRACE_CAP)
        cap = self.t()
        self.emit(f"{cap} = load i32, ptr {capp}")
        room = self.t()
        self.emit(f"{room} = icmp slt i32 {n}, {cap}")
        self.emit(f'br i1 {room}, label %"x.record", label %"x.count"')
        self.label("x.record")
        trp = self.ctx_field(_TRACE)
        tr = self.t()
        self.emit(f"{tr} = load ptr, ptr {trp}")
        at = self.t()
        self.emit(f"{at} = getelementptr inbounds i32, ptr {tr}, i32 {n}")
        self.emit(f"store i32 {fn.fn_id}, ptr {at}")
        self.emit('br label %"x.count"')
        self.label("x.count")
        n1 = self.t()
        self.emit(f"{n1} = add i32 {n}, 1")
        self.emit(f"store i32 {n1}, ptr {lenp}")
        zero = "0.0" if fn.ret == F64 else "0"
        self.emit(f"ret {abi_type(fn.ret)} {zero}")

        # Allocas go first, in the entry block (mem2reg needs them there).
        allocas = [
            f"  %r{r.id} = alloca {llvm_type(r.ty)}" for r in sorted(self.regs.values(), key=lambda r: r.id)
        ]
        params = ", ".join(
            ["ptr noalias nocapture %ctx"] + [f"{abi_type(p.ty)} %a{i}" for i, p in enumerate(fn.params)]
        )
        header = f"define {abi_type(fn.ret)} @{self.symbol(fn.name)}({params}) #0 {{"
        return [header, body[0], *allocas, *body[1:], "}"]

    def set_status(self, site: int) -> None:
        sp = self.ctx_field(_STATUS)
        self.emit(f"store i32 {site + 1}, ptr {sp}")

    # -- instructions
    def instr(self, ins: ir.Instr) -> None:
        if isinstance(ins, ir.Const):
            self.store(ins.dst, _const_literal(ins.dst.ty, ins.value))
        elif isinstance(ins, ir.Copy):
            self.store(ins.dst, self.load(ins.src))
        elif isinstance(ins, ir.FBinary):
            a, b = self.load(ins.lhs), self.load(ins.rhs)
            v = self.t()
            self.emit(f"{v} = {_FBIN[ins.op]} double {a}, {b}")
            self.store(ins.dst, v)
        elif isinstance(ins, ir.FNeg):
            a = self.load(ins.src)
            v = self.t()
            self.emit(f"{v} = fneg double {a}")
            self.store(ins.dst, v)
        elif isinstance(ins, ir.FCompare):
            a, b = self.load(ins.lhs), self.load(ins.rhs)
            v = self.t()
            self.emit(f"{v} = fcmp {_FCMP[ins.op]} double {a}, {b}")
            self.store(ins.dst, v)
        elif isinstance(ins, ir.ICompare):
            a, b = self.load(ins.lhs), self.load(ins.rhs)
            v = self.t()
            self.emit(f"{v} = icmp {_ICMP[ins.op]} {llvm_type(ins.lhs.ty)} {a}, {b}")
            self.store(ins.dst, v)
        elif isinstance(ins, ir.IBinary):
            a, b = self.load(ins.lhs), self.load(ins.rhs)
            v = self.t()
            self.emit(f"{v} = {ins.op} i64 {a}, {b}")
            self.store(ins.dst, v)
        elif isinstance(ins, ir.BNot):
            a = self.load(ins.src)
            v = self.t()
            self.emit(f"{v} = xor i1 {a}, true")
            self.store(ins.dst, v)
        elif isinstance(ins, ir.Select):
            c, a, b = self.load(ins.cond), self.load(ins.if_true), self.load(ins.if_false)
            v = self.t()
            ty = llvm_type(ins.dst.ty)
            self.emit(f"{v} = select i1 {c}, {ty} {a}, {ty} {b}")
            self.store(ins.dst, v)
        elif isinstance(ins, ir.FToI):
            a = self.load(ins.src)
            v = self.t()
            self.intrinsics_used.add("declare i64 @llvm.fptosi.sat.i64.f64(double)")
            self.emit(f"{v} = call i64 @llvm.fptosi.sat.i64.f64(double {a})")
            self.store(ins.dst, v)
        elif isinstance(ins, ir.IToF):
            a = self.load(ins.src)
            v = self.t()
            self.emit(f"{v} = sitofp i64 {a} to double")
            self.store(ins.dst, v)
        elif isinstance(ins, ir.CallIntrinsic):
            args = [self.load(a) for a in ins.args]
            self.store(ins.dst, self.intrinsic(ins.name, args))
        elif isinstance(ins, ir.CallFunction):
            self.call(ins)
        else:
            raise TypeError(f"unknown IR instruction {ins!r}")

    def intrinsic(self, name: str, args: list[str]) -> str:
        if name in _LLVM_INTRINSIC:
            llname = _LLVM_INTRINSIC[name]
            self.intrinsics_used.add(f"declare double @{llname}(double)")
            v = self.t()
            self.emit(f"{v} = call double @{llname}(double {args[0]})")
            return v
        if name in ("min", "max"):
            a, b = args
            nan_a, nan_b, pick, sel, out = self.t(), self.t(), self.t(), self.t(), self.t()
            self.emit(f"{nan_a} = fcmp uno double {a}, {a}")
            self.emit(f"{nan_b} = fcmp uno double {b}, {b}")
            cmp = "olt" if name == "min" else "ogt"
            self.emit(f"{pick} = fcmp {cmp} double {b}, {a}")
            self.emit(f"{sel} = select i1 {pick}, double {b}, double {a}")
            mid = self.t()
            self.emit(f"{mid} = select i1 {nan_b}, double {a}, double {sel}")
            self.emit(f"{out} = select i1 {nan_a}, double {b}, double {mid}")
            return out
        intr = ir.INTRINSICS[name]
        assert intr.libm is not None
        self.libm_used.add(f"declare double @{intr.libm}({', '.join(['double'] * intr.arity)}) #1")
        v = self.t()
        typed = ", ".join(f"double {a}" for a in args)
        self.emit(f"{v} = call double @{intr.libm}({typed}) #2")
        return v

    def call(self, ins: ir.CallFunction) -> None:
        callee = self.module.function(ins.callee)
        # Depth check: the callee may not start beyond the limit.
        dp = self.ctx_field(_DEPTH)
        d = self.t()
        self.emit(f"{d} = load i32, ptr {dp}")
        lp = self.ctx_field(_LIMIT)
        lim = self.t()
        self.emit(f"{lim} = load i32, ptr {lp}")
        deep = self.t()
        self.emit(f"{deep} = icmp sge i32 {d}, {lim}")
        too_deep = self.new_block_name("deep")
        go = self.new_block_name("call")
        self.emit(f'br i1 {deep}, label %"{too_deep}", label %"{go}", !prof !0')
        self.label(too_deep)
        self.set_status(ins.depth_site)
        self.emit('br label %"x.unwind"')
        self.label(go)
        args = ["ptr %ctx"]
        for a in ins.args:
            v = self.load(a)
            if a.ty == BOOL:
                w = self.t()
                self.emit(f"{w} = zext i1 {v} to i32")
                v = w
            args.append(f"{abi_type(a.ty)} {v}")
        res = self.t()
        self.emit(f"{res} = call {abi_type(callee.ret)} @{self.symbol(callee.name)}({', '.join(args)})")
        sp = self.ctx_field(_STATUS)
        st = self.t()
        self.emit(f"{st} = load i32, ptr {sp}")
        failed = self.t()
        self.emit(f"{failed} = icmp ne i32 {st}, 0")
        cont = self.new_block_name("ok")
        self.emit(f'br i1 {failed}, label %"x.unwind", label %"{cont}", !prof !0')
        self.label(cont)
        if ins.dst is not None:
            if callee.ret == BOOL:
                b = self.t()
                self.emit(f"{b} = icmp ne i32 {res}, 0")
                res = b
            self.store(ins.dst, res)

    def terminator(self, t: ir.Terminator) -> None:
        if isinstance(t, ir.Jump):
            self.emit(f'br label %"{self.block_name(t.target)}"')
        elif isinstance(t, ir.Branch):
            c = self.load(t.cond)
            self.emit(
                f'br i1 {c}, label %"{self.block_name(t.if_true)}", label %"{self.block_name(t.if_false)}"'
            )
        elif isinstance(t, ir.Return):
            v = self.load(t.value)
            if t.value.ty == BOOL:
                w = self.t()
                self.emit(f"{w} = zext i1 {v} to i32")
                v = w
            dp = self.ctx_field(_DEPTH)
            d = self.t()
            self.emit(f"{d} = load i32, ptr {dp}")
            d1 = self.t()
            self.emit(f"{d1} = sub i32 {d}, 1")
            self.emit(f"store i32 {d1}, ptr {dp}")
            self.emit(f"ret {abi_type(t.value.ty)} {v}")
        elif isinstance(t, ir.Fail):
            self.set_status(t.site)
            self.emit('br label %"x.unwind"')
        else:
            raise TypeError(f"unknown terminator {t!r}")


def emit_functions(
    module: ir.Module, prefix: str = ir.DEFAULT_SYMBOL_PREFIX, names: list[str] | None = None
) -> tuple[list[str], set[str]]:
    """LLVM definitions of the module's functions (all, or those in `names`) and the
    declarations they need."""
    out: list[str] = []
    decls: set[str] = set()
    for fn in module.functions:
        if names is not None and fn.name not in names:
            continue
        em = _FunctionEmitter(fn, module, prefix)
        out += em.run()
        out.append("")
        decls |= em.libm_used | em.intrinsics_used
    return out, decls


def module_text(
    module: ir.Module,
    *,
    prefix: str = ir.DEFAULT_SYMBOL_PREFIX,
    triple: str = "",
    data_layout: str = "",
    extra: list[str] | None = None,
    extra_decls: set[str] | None = None,
) -> str:
    """A complete LLVM module for `module`; `extra` lines (e.g. Python wrappers) are appended."""
    lines = []
    if data_layout:
        lines.append(f'target datalayout = "{data_layout}"')
    if triple:
        lines.append(f'target triple = "{triple}"')
    lines += [CTX_TYPE_DEF, ""]
    body, decls = emit_functions(module, prefix)
    lines += body
    if extra:
        lines += extra
    decls |= extra_decls or set()
    lines += sorted(decls)
    lines += [
        "",
        "attributes #0 = { nounwind }",
        "attributes #1 = { nounwind willreturn }",
        "attributes #2 = { nobuiltin nounwind }",
        '!0 = !{!"branch_weights", i32 1, i32 2000}',
        "",
    ]
    return "\n".join(lines)
