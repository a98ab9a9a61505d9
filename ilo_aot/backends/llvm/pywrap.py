"""METH_FASTCALL wrappers emitted in LLVM IR, turned into Python builtin functions.

For every native function `f` the JIT module also contains

    PyObject *pyw_<sym>(PyObject *self, PyObject *const *args, Py_ssize_t nargs)

which checks the argument count (TypeError otherwise), unboxes each argument straight to a
double (exact `float`: read in place; else `PyFloat_AsDouble`, which takes `int`, `__float__`
and `__index__` objects) or a bool (`True`/`False` only), calls the native function with an
`IloCtx` on its stack, and boxes the result (`PyFloat_FromDouble` / `PyBool_FromLong`).

- An argument the native code cannot take (a `bool` for a number, a `str`, anything that
  `PyFloat_AsDouble` rejects, a non-bool for a bool) makes the wrapper call the function's
  *fallback* callable with the original arguments (vectorcall) and return what it returns.
- A native runtime error (IloCtx status != 0) makes it call the module's *error handler* with
  `(status, trace_len, frames)` (`frames`: the recorded fn_ids as native-endian int32 bytes);
  the handler raises IloRuntimeError.

The wrapper is turned into a builtin function object once, with `PyCFunction_NewEx` over a
`PyMethodDef` that the owner keeps alive. Python API addresses come from the running process
(`ctypes.pythonapi`) and are registered with LLVM by name, so the IR text itself holds no
addresses.
"""

from __future__ import annotations

import ctypes
import keyword
import sys
import sysconfig
from typing import Any

import llvmlite.binding as llvm

from ilo_aot.ir import ir
from ilo_aot.ir.ir import BOOL, F64

from .codegen import CTX_TYPE, abi_type

_PY_FUNCTIONS = [
    "PyFloat_AsDouble",
    "PyFloat_FromDouble",
    "PyBool_FromLong",
    "PyErr_Occurred",
    "PyErr_Clear",
    "PyErr_Format",
    "PyObject_Vectorcall",
    "PyObject_CallFunction",
    "PyBytes_FromStringAndSize",
]
_PY_DATA = ["PyFloat_Type", "_Py_TrueStruct", "_Py_FalseStruct", "PyExc_TypeError"]

# Offsets of ob_type and PyFloatObject.ob_fval in the default (GIL, non-debug) object layout.
_OB_TYPE = 8
_OB_FVAL = 16

_symbols_registered = False


def float_layout_known() -> bool:
    """Whether floats can be read in place (standard 64-bit object layout)."""
    return (
        ctypes.sizeof(ctypes.c_void_p) == 8
        and object.__basicsize__ == 16
        and float.__basicsize__ == 24
        and not sysconfig.get_config_var("Py_GIL_DISABLED")
        and not hasattr(sys, "gettotalrefcount")
    )


def register_python_symbols() -> None:
    """Tell LLVM where the Python C API lives in this process (once)."""
    global _symbols_registered
    if _symbols_registered:
        return
    for name in _PY_FUNCTIONS + _PY_DATA:
        addr = ctypes.cast(getattr(ctypes.pythonapi, name), ctypes.c_void_p).value
        if addr is None:
            raise RuntimeError(f"Python C API symbol {name} not found")
        llvm.add_symbol(name, addr)
    _symbols_registered = True


def python_name(ilo_name: str) -> str:
    """The Python name of an ilo function (`get-user` -> `get_user`, `in` -> `in_`)."""
    py = ilo_name.replace("-", "_")
    return py + "_" if keyword.iskeyword(py) else py


def wrapper_symbol(fn: ir.Function, prefix: str) -> str:
    return "pyw_" + ir.function_symbol(fn.name, prefix)


def fallback_global(fn: ir.Function, prefix: str) -> str:
    return "pyw.fallback." + ir.function_symbol(fn.name, prefix)


NOINLINE_GROUP = 7  # attribute group number, declared once per module by `emit_wrappers`


def function_declarations(module: ir.Module, prefix: str) -> set[str]:
    """`declare` lines for the native functions, for a wrappers-only LLVM module."""
    out = set()
    for fn in module.functions:
        params = ", ".join(["ptr", *(abi_type(p.ty) for p in fn.params)])
        out.add(f"declare {abi_type(fn.ret)} @{ir.function_symbol(fn.name, prefix)}({params})")
    return out


def calls_global(fn: ir.Function, prefix: str) -> str:
    """An i64 counting calls through the wrapper (for `jit_stats`; one add per call)."""
    return f"{prefix}calls.{ir.function_symbol(fn.name, '')}"


def trace_global(uid: str) -> str:
    return f"pyw.trace.{uid}"


def handler_global(uid: str) -> str:
    return f"pyw.on_error.{uid}"


def _c_string(name: str, text: str) -> str:
    data = text.encode("utf-8") + b"\0"
    body = "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\{b:02X}" for b in data)
    return f'@"{name}" = private unnamed_addr constant [{len(data)} x i8] c"{body}"'


class _Wrapper:
    def __init__(self, fn: ir.Function, prefix: str, uid: str, long_bits: int) -> None:
        self.fn = fn
        self.prefix = prefix
        self.uid = uid
        self.long_bits = long_bits
        self.lines: list[str] = []
        self.n = 0

    def t(self) -> str:
        self.n += 1
        return f"%w{self.n}"

    def emit(self, s: str) -> None:
        self.lines.append("  " + s)

    def label(self, s: str) -> None:
        self.lines.append(f"{s}:")

    def run(self, trace_cap: int, depth_limit: int, fast_floats: bool) -> list[str]:
        fn = self.fn
        sym = ir.function_symbol(fn.name, self.prefix)
        nparams = len(fn.params)
        plural = "" if nparams == 1 else "s"
        msg = f"{python_name(fn.name)}() takes exactly {nparams} argument{plural} (%zd given)"
        fmt = f"pyw.fmt.{sym}"
        out = [_c_string(fmt, msg)]
        out.append(f'@"{fallback_global(fn, self.prefix)}" = global ptr null')
        out.append(f'@"{calls_global(fn, self.prefix)}" = global i64 0')
        self.label("entry")
        self.emit(f"%ctx = alloca {CTX_TYPE}")
        self.emit(f"%arity = icmp eq i64 %nargs, {nparams}")
        self.emit("br i1 %arity, label %arg0, label %bad_arity")
        self.label("bad_arity")
        self.emit("%exc = load ptr, ptr @PyExc_TypeError")
        self.emit(f'call ptr (ptr, ptr, ...) @PyErr_Format(ptr %exc, ptr @"{fmt}", i64 %nargs)')
        self.emit("ret ptr null")
        values = []
        for i, p in enumerate(fn.params):
            self.label(f"arg{i}")
            values.append(self.unbox(i, p.ty, fast_floats))
            self.emit(f"br label %arg{i + 1}")
        self.label(f"arg{nparams}")
        self.emit("br label %call")
        self.label("call")
        counter = f'@"{calls_global(fn, self.prefix)}"'
        self.emit(f"%ncalls = load i64, ptr {counter}")
        self.emit("%ncalls1 = add i64 %ncalls, 1")
        self.emit(f"store i64 %ncalls1, ptr {counter}")
        for idx, val in ((0, "0"), (1, "0"), (2, str(depth_limit)), (3, "0"), (4, str(trace_cap))):
            p = self.t()
            self.emit(f"{p} = getelementptr inbounds {CTX_TYPE}, ptr %ctx, i32 0, i32 {idx}")
            self.emit(f"store i32 {val}, ptr {p}")
        p = self.t()
        self.emit(f"{p} = getelementptr inbounds {CTX_TYPE}, ptr %ctx, i32 0, i32 6")
        self.emit(f'store ptr @"{trace_global(self.uid)}", ptr {p}')
        typed = [f"{abi_type(p.ty)} {v}" for p, v in zip(fn.params, values, strict=True)]
        args = ", ".join(["ptr %ctx", *typed])
        # noinline: otherwise O2 copies the whole function (loops included) into its wrapper,
        # compiling it twice for no run-time gain.
        self.emit(f"%res = call {abi_type(fn.ret)} @{sym}({args}) #{NOINLINE_GROUP}")
        self.emit("%status = load i32, ptr %ctx")
        self.emit("%failed = icmp ne i32 %status, 0")
        self.emit("br i1 %failed, label %error, label %box, !prof !0")
        self.label("box")
        if fn.ret == F64:
            self.emit("%obj = call ptr @PyFloat_FromDouble(double %res)")
        else:
            self.emit(f"%long = zext i32 %res to i{self.long_bits}")
            self.emit(f"%obj = call ptr @PyBool_FromLong(i{self.long_bits} %long)")
        self.emit("ret ptr %obj")
        self.label("error")
        self.emit(f'%handler = load ptr, ptr @"{handler_global(self.uid)}"')
        tl = self.t()
        self.emit(f"{tl} = getelementptr inbounds {CTX_TYPE}, ptr %ctx, i32 0, i32 3")
        self.emit(f"%tlen = load i32, ptr {tl}")
        # The frames go to the handler as bytes, copied before any Python code can run (and
        # another thread reuse the trace buffer).
        self.emit(f"%short = icmp slt i32 %tlen, {trace_cap}")
        self.emit(f"%kept = select i1 %short, i32 %tlen, i32 {trace_cap}")
        self.emit("%kept64 = sext i32 %kept to i64")
        self.emit("%nbytes = mul i64 %kept64, 4")
        self.emit(
            f'%frames = call ptr @PyBytes_FromStringAndSize(ptr @"{trace_global(self.uid)}", i64 %nbytes)'
        )
        self.emit("%no_frames = icmp eq ptr %frames, null")
        self.emit("br i1 %no_frames, label %nomem, label %report")
        self.label("nomem")
        self.emit("ret ptr null")
        self.label("report")
        # "N" hands the new bytes reference over to the argument tuple.
        self.emit(
            "%raised = call ptr (ptr, ptr, ...) @PyObject_CallFunction("
            'ptr %handler, ptr @"pyw.errfmt", i32 %status, i32 %tlen, ptr %frames)'
        )
        self.emit("ret ptr %raised")
        self.label("clear_and_fallback")
        self.emit("call void @PyErr_Clear()")
        self.emit("br label %fallback")
        self.label("fallback")
        self.emit(f'%fb = load ptr, ptr @"{fallback_global(fn, self.prefix)}"')
        self.emit("%fbres = call ptr @PyObject_Vectorcall(ptr %fb, ptr %args, i64 %nargs, ptr null)")
        self.emit("ret ptr %fbres")
        head = f"define ptr @{wrapper_symbol(fn, self.prefix)}(ptr %self, ptr %args, i64 %nargs) #0 {{"
        return [*out, head, *self.lines, "}", ""]

    def unbox(self, i: int, ty: ir.IrType, fast_floats: bool) -> str:
        slot = self.t()
        self.emit(f"{slot} = getelementptr inbounds ptr, ptr %args, i64 {i}")
        obj = f"%o{i}"
        self.emit(f"{obj} = load ptr, ptr {slot}")
        is_true, is_false = self.t(), self.t()
        self.emit(f"{is_true} = icmp eq ptr {obj}, @_Py_TrueStruct")
        self.emit(f"{is_false} = icmp eq ptr {obj}, @_Py_FalseStruct")
        if ty == BOOL:
            either = self.t()
            self.emit(f"{either} = or i1 {is_true}, {is_false}")
            self.emit(f"br i1 {either}, label %bool{i}, label %fallback")
            self.label(f"bool{i}")
            v = self.t()
            self.emit(f"{v} = zext i1 {is_true} to i32")
            self.emit(f"br label %arg{i}.done")
            self.label(f"arg{i}.done")
            return v
        assert ty == F64
        if fast_floats:
            tp, tv, exact = self.t(), self.t(), self.t()
            self.emit(f"{tp} = getelementptr inbounds i8, ptr {obj}, i64 {_OB_TYPE}")
            self.emit(f"{tv} = load ptr, ptr {tp}")
            self.emit(f"{exact} = icmp eq ptr {tv}, @PyFloat_Type")
            self.emit(f"br i1 {exact}, label %fast{i}, label %slow{i}")
            self.label(f"fast{i}")
            vp = self.t()
            self.emit(f"{vp} = getelementptr inbounds i8, ptr {obj}, i64 {_OB_FVAL}")
            self.emit(f"%f{i} = load double, ptr {vp}")
            self.emit(f"br label %arg{i}.done")
        else:
            self.emit(f"br label %slow{i}")
        self.label(f"slow{i}")
        isbool = self.t()
        self.emit(f"{isbool} = or i1 {is_true}, {is_false}")
        self.emit(f"br i1 {isbool}, label %fallback, label %conv{i}")
        self.label(f"conv{i}")
        self.emit(f"%s{i} = call double @PyFloat_AsDouble(ptr {obj})")
        minus1 = self.t()
        self.emit(f"{minus1} = fcmp oeq double %s{i}, -1.0")
        self.emit(f"br i1 {minus1}, label %check{i}, label %arg{i}.done")
        self.label(f"check{i}")
        err, has = self.t(), self.t()
        self.emit(f"{err} = call ptr @PyErr_Occurred()")
        self.emit(f"{has} = icmp ne ptr {err}, null")
        self.emit(f"br i1 {has}, label %clear_and_fallback, label %arg{i}.done")
        self.label(f"arg{i}.done")
        incoming = [f"[ %s{i}, %conv{i} ]", f"[ %s{i}, %check{i} ]"]
        if fast_floats:
            incoming.insert(0, f"[ %f{i}, %fast{i} ]")
        v = f"%a{i}"
        self.emit(f"{v} = phi double {', '.join(incoming)}")
        return v


def emit_wrappers(
    module: ir.Module,
    prefix: str,
    uid: str,
    trace_cap: int,
    depth_limit: int,
) -> tuple[list[str], set[str]]:
    """LLVM text of the wrappers for every function of `module`, plus declarations."""
    long_bits = ctypes.sizeof(ctypes.c_long) * 8
    fast = float_layout_known()
    lines = [
        f'@"{trace_global(uid)}" = global [{trace_cap} x i32] zeroinitializer',
        f'@"{handler_global(uid)}" = global ptr null',
        _c_string("pyw.errfmt", "iiN"),
        "",
    ]
    for fn in module.functions:
        lines += _Wrapper(fn, prefix, uid, long_bits).run(trace_cap, depth_limit, fast)
    decls = {
        f"attributes #{NOINLINE_GROUP} = {{ noinline }}",
        "declare double @PyFloat_AsDouble(ptr)",
        "declare ptr @PyFloat_FromDouble(double)",
        f"declare ptr @PyBool_FromLong(i{long_bits})",
        "declare ptr @PyErr_Occurred()",
        "declare void @PyErr_Clear()",
        "declare ptr @PyErr_Format(ptr, ptr, ...)",
        "declare ptr @PyObject_Vectorcall(ptr, ptr, i64, ptr)",
        "declare ptr @PyObject_CallFunction(ptr, ptr, ...)",
        "declare ptr @PyBytes_FromStringAndSize(ptr, i64)",
        "@PyFloat_Type = external global i8",
        "@_Py_TrueStruct = external global i8",
        "@_Py_FalseStruct = external global i8",
        "@PyExc_TypeError = external global ptr",
    }
    return lines, decls


# ---------------------------------------------------------------- builtin function objects


class PyMethodDef(ctypes.Structure):
    _fields_ = [
        ("ml_name", ctypes.c_char_p),
        ("ml_meth", ctypes.c_void_p),
        ("ml_flags", ctypes.c_int),
        ("ml_doc", ctypes.c_char_p),
    ]


METH_FASTCALL = 0x0080

_new_cfunction = ctypes.pythonapi.PyCFunction_NewEx
_new_cfunction.restype = ctypes.py_object
_new_cfunction.argtypes = [ctypes.POINTER(PyMethodDef), ctypes.c_void_p, ctypes.py_object]


def make_builtin(
    address: int, name: str, text_signature: str, doc: str, module_name: str
) -> tuple[Any, PyMethodDef]:
    """A builtin function object calling the METH_FASTCALL wrapper at `address`.

    Returns the function and its PyMethodDef, which the caller must keep alive as long as the
    function exists. `text_signature` like `(a, b)` becomes `__text_signature__`.
    """
    ml_doc = f"{name}{text_signature}\n--\n\n{doc}".encode()
    mdef = PyMethodDef(name.encode(), address, METH_FASTCALL, ml_doc)
    func = _new_cfunction(ctypes.byref(mdef), None, module_name)
    return func, mdef


def set_object_global(address: int, obj: object) -> None:
    """Store a borrowed reference to `obj` in the pointer global at `address` (the caller keeps
    `obj` alive)."""
    ctypes.c_void_p.from_address(address).value = id(obj)
