"""The C source of an ilo extension module (design.md §4, §5).

The shim is written against the stable ABI (`Py_LIMITED_API` 0x030A0000, abi3): one binary per
platform serves CPython 3.10 and later. For each native function it defines a `METH_FASTCALL |
METH_KEYWORDS` entry that

- unboxes every argument straight to a C value (`n`: exact float, exact int, or an object with
  `__index__`/`__float__`, never a bool/str/bytes; `b`: exactly True or False);
- if the arity is wrong, keywords are used, or an argument cannot be unboxed, calls the
  function's fallback-tier callable instead (same answer, same TypeError messages);
- runs the native symbol with an `IloCtx` and a trace buffer on the C stack (native ABI of
  `ilo_aot.ir.ir`); on `status != 0` it asks `ilo_runtime.aot_support` to raise the
  IloRuntimeError the fallback tier would raise. A trace longer than the stack buffer is
  recovered by running the (pure, side-effect-free) native code once more with a heap buffer.

Module init embeds the payload of `ModulePlan.payload()` as a byte array (no string literal
limits) and calls `ilo_runtime.aot_support.init_module`, which attaches everything else.
"""

from __future__ import annotations

from ..ir import ir
from ..ir.errors import RECURSION_LIMIT
from .plan import ModulePlan

LIMITED_API = "0x030A0000"
TRACE_CAP = 64

_C_TYPE = {ir.F64: "double", ir.BOOL: "int32_t"}

_PRELUDE = r"""
#ifndef Py_LIMITED_API
#define Py_LIMITED_API @LIMITED_API@
#endif
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

typedef struct IloCtx {
    int32_t status;
    int32_t depth;
    int32_t depth_limit;
    int32_t trace_len;
    int32_t trace_cap;
    int32_t reserved;
    int32_t *trace;
} IloCtx;

#define AOT_DEPTH_LIMIT @DEPTH_LIMIT@
#define AOT_TRACE_CAP @TRACE_CAP@
#define AOT_N_NATIVE @N_NATIVE@

#if defined(__GNUC__) || defined(__clang__)
#define AOT_MAYBE_UNUSED __attribute__((unused))
#else
#define AOT_MAYBE_UNUSED
#endif

static PyObject *aot_fallback[AOT_N_NATIVE > 0 ? AOT_N_NATIVE : 1];
static PyObject *aot_raiser;

/* An ilo number from a Python value, as ilo_runtime.boundary.to_ilo converts it; 0 means
   "not here": the call goes to the fallback tier, which gives the answer (or the error). */
AOT_MAYBE_UNUSED static int aot_unbox_n(PyObject *o, double *out)
{
    PyObject *tmp;
    double d;
    if (PyFloat_CheckExact(o)) {
        *out = PyFloat_AsDouble(o);
        return 1;
    }
    if (PyLong_CheckExact(o)) {
        d = PyLong_AsDouble(o);
        if (d == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            return 0;
        }
        *out = d;
        return 1;
    }
    if (PyBool_Check(o) || PyUnicode_Check(o) || PyBytes_Check(o))
        return 0;
    if (PyIndex_Check(o)) {
        tmp = PyNumber_Index(o);
        d = tmp != NULL ? PyLong_AsDouble(tmp) : -1.0;
    } else {
        tmp = PyNumber_Float(o);
        d = tmp != NULL ? PyFloat_AsDouble(tmp) : -1.0;
    }
    Py_XDECREF(tmp);
    if (tmp == NULL || (d == -1.0 && PyErr_Occurred())) {
        PyErr_Clear();
        return 0;
    }
    *out = d;
    return 1;
}

AOT_MAYBE_UNUSED static int aot_unbox_b(PyObject *o, int32_t *out)
{
    if (o == Py_True) {
        *out = 1;
        return 1;
    }
    if (o == Py_False) {
        *out = 0;
        return 1;
    }
    return 0;
}

/* The fallback-tier callable of native function `idx`, called with the original arguments. */
AOT_MAYBE_UNUSED static PyObject *aot_slow(int idx, PyObject *const *args, Py_ssize_t nargs,
                                           PyObject *kwnames)
{
    Py_ssize_t i, nkw = kwnames != NULL ? PyTuple_Size(kwnames) : 0;
    PyObject *pos, *kw = NULL, *result;
    pos = PyTuple_New(nargs);
    if (pos == NULL)
        return NULL;
    for (i = 0; i < nargs; i++) {
        Py_INCREF(args[i]);
        PyTuple_SetItem(pos, i, args[i]);
    }
    if (nkw > 0) {
        kw = PyDict_New();
        if (kw == NULL) {
            Py_DECREF(pos);
            return NULL;
        }
        for (i = 0; i < nkw; i++) {
            if (PyDict_SetItem(kw, PyTuple_GetItem(kwnames, i), args[nargs + i]) < 0) {
                Py_DECREF(pos);
                Py_DECREF(kw);
                return NULL;
            }
        }
    }
    result = PyObject_Call(aot_fallback[idx], pos, kw);
    Py_DECREF(pos);
    Py_XDECREF(kw);
    return result;
}

/* Raise the IloRuntimeError of a failed native call (ilo_runtime.aot_support). */
AOT_MAYBE_UNUSED static PyObject *aot_fail(const IloCtx *ctx)
{
    Py_ssize_t i, n = ctx->trace_len < ctx->trace_cap ? ctx->trace_len : ctx->trace_cap;
    PyObject *trace = PyTuple_New(n), *r;
    if (trace == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        PyTuple_SetItem(trace, i, PyLong_FromLong((long)ctx->trace[i]));
    r = PyObject_CallFunction(aot_raiser, "iO", (int)ctx->status, trace);
    Py_DECREF(trace);
    Py_XDECREF(r);
    if (!PyErr_Occurred())
        PyErr_SetString(PyExc_SystemError, "ilo native failure was not raised");
    return NULL;
}

#define AOT_CTX(name, buf, cap) IloCtx name = {0, 0, AOT_DEPTH_LIMIT, 0, (cap), 0, (buf)}
"""

_INIT = r"""
PyMODINIT_FUNC PyInit_@SHORT@(void)
{
    PyObject *m, *support = NULL, *payload = NULL, *res = NULL, *fallbacks;
    Py_ssize_t i;
    m = PyModule_Create(&aot_module);
    if (m == NULL)
        return NULL;
    support = PyImport_ImportModule("ilo_runtime.aot_support");
    if (support == NULL)
        goto fail;
    payload = PyBytes_FromStringAndSize((const char *)aot_payload,
                                        (Py_ssize_t)sizeof aot_payload);
    if (payload == NULL)
        goto fail;
    res = PyObject_CallMethod(support, "init_module", "OO", m, payload);
    if (res == NULL)
        goto fail;
    if (!PyTuple_Check(res) || PyTuple_Size(res) != 2) {
        PyErr_SetString(PyExc_ImportError, "ilo_runtime.aot_support.init_module: bad result");
        goto fail;
    }
    fallbacks = PyTuple_GetItem(res, 0);
    if (!PyTuple_Check(fallbacks) || PyTuple_Size(fallbacks) != AOT_N_NATIVE) {
        PyErr_SetString(PyExc_ImportError, "ilo_runtime.aot_support: wrong fallback count");
        goto fail;
    }
    for (i = 0; i < AOT_N_NATIVE; i++) {
        Py_XDECREF(aot_fallback[i]);
        aot_fallback[i] = PyTuple_GetItem(fallbacks, i);
        Py_INCREF(aot_fallback[i]);
    }
    Py_XDECREF(aot_raiser);
    aot_raiser = PyTuple_GetItem(res, 1);
    Py_INCREF(aot_raiser);
    Py_DECREF(res);
    Py_DECREF(payload);
    Py_DECREF(support);
    return m;
fail:
    Py_XDECREF(res);
    Py_XDECREF(payload);
    Py_XDECREF(support);
    Py_DECREF(m);
    return NULL;
}
"""


def c_string(text: str) -> str:
    """A C string literal for `text` (UTF-8, every non-printable byte escaped)."""
    out = []
    for b in text.encode("utf-8"):
        ch = chr(b)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif 32 <= b < 127 and ch != "?":  # '?' escaped: no trigraphs
            out.append(ch)
        else:
            out.append(f"\\{b:03o}")
    return '"' + "".join(out) + '"'


def byte_array(name: str, data: bytes) -> str:
    """`static const unsigned char name[] = {...};` (works at any size on every compiler)."""
    rows = []
    for i in range(0, len(data), 24):
        rows.append("    " + ",".join(str(b) for b in data[i : i + 24]) + ",")
    body = "\n".join(rows) if rows else "    0,"
    return f"static const unsigned char {name}[] = {{\n{body}\n}};"


def method_doc(py: str, params: list[str], signature: str) -> str:
    """A docstring with a text signature (`inspect.signature` and `help()` read it)."""
    return f"{py}($module, {', '.join(params)})\n--\n\n{signature}" if params else (
        f"{py}($module)\n--\n\n{signature}"
    )


def _entry(idx: int, fn: ir.Function, py: str, prefix: str) -> str:
    sym = ir.function_symbol(fn.name, prefix)
    n = len(fn.params)
    decls = [f"    {_C_TYPE[p.ty]} a{i};" for i, p in enumerate(fn.params)]
    unbox = [
        f"!aot_unbox_{'n' if p.ty == ir.F64 else 'b'}(args[{i}], &a{i})"
        for i, p in enumerate(fn.params)
    ]
    call_args = "".join(f", a{i}" for i in range(n))
    ret = _C_TYPE[fn.ret]
    box = "PyFloat_FromDouble(r)" if fn.ret == ir.F64 else "PyBool_FromLong((long)r)"
    cond = f"nargs != {n} || kwnames != NULL"
    if unbox:
        cond += " ||\n        " + " ||\n        ".join(unbox)
    lines = [
        f"static PyObject *aot_py_{idx}(PyObject *self, PyObject *const *args, "
        "Py_ssize_t nargs, PyObject *kwnames)",
        "{",
        *decls,
        f"    {ret} r;",
        "    int32_t trace[AOT_TRACE_CAP];",
        "    AOT_CTX(ctx, trace, AOT_TRACE_CAP);",
        "    (void)self;",
        f"    if ({cond})",
        f"        return aot_slow({idx}, args, nargs, kwnames);",
        f"    r = {sym}(&ctx{call_args});",
        "    if (ctx.status != 0) {",
        "        if (ctx.trace_len > AOT_TRACE_CAP) {",
        "            int32_t cap = ctx.trace_len;",
        "            int32_t *big = (int32_t *)PyMem_Malloc((size_t)cap * sizeof(int32_t));",
        "            if (big != NULL) {",
        "                PyObject *e;",
        "                AOT_CTX(full, big, cap);",
        f"                (void){sym}(&full{call_args});",
        "                e = aot_fail(&full);",
        "                PyMem_Free(big);",
        "                return e;",
        "            }",
        "        }",
        "        return aot_fail(&ctx);",
        "    }",
        f"    return {box};",
        "}",
    ]
    return "\n".join(lines)


def shim_source(plan: ModulePlan, prefix: str = ir.DEFAULT_SYMBOL_PREFIX) -> str:
    """The complete C source of the extension module for `plan`."""
    from ilo_runtime.boundary import py_name

    natives = plan.native_functions
    by_name = {f.name: f for f in plan.functions}
    prelude = (
        _PRELUDE.replace("@LIMITED_API@", LIMITED_API)
        .replace("@DEPTH_LIMIT@", str(RECURSION_LIMIT))
        .replace("@TRACE_CAP@", str(TRACE_CAP))
        .replace("@N_NATIVE@", str(len(natives)))
    )
    parts = [
        f"/* Generated by ilo-aot: the CPython extension module {plan.module_name}. "
        "Do not edit. */",
        prelude,
    ]
    for fn in natives:
        params = "".join(f", {_C_TYPE[p.ty]}" for p in fn.params)
        parts.append(f"extern {_C_TYPE[fn.ret]} {ir.function_symbol(fn.name, prefix)}"
                     f"(IloCtx *{params});")
    parts.append("")
    methods = []
    for idx, fn in enumerate(natives):
        py = py_name(fn.name)
        parts.append(_entry(idx, fn, py, prefix))
        parts.append("")
        plan_fn = by_name[fn.name]
        doc = method_doc(py, [py_name(p) for p in plan_fn.params], plan_fn.signature)
        methods.append(
            f"    {{{c_string(py)}, (PyCFunction)(void (*)(void))aot_py_{idx}, "
            f"METH_FASTCALL | METH_KEYWORDS, {c_string(doc)}}},"
        )
    methods.append("    {NULL, NULL, 0, NULL}")
    parts.append("static PyMethodDef aot_methods[] = {\n" + "\n".join(methods) + "\n};")
    parts.append(
        "static struct PyModuleDef aot_module = {\n"
        f"    PyModuleDef_HEAD_INIT, {c_string(plan.module_name)}, NULL, -1, aot_methods,\n"
        "    NULL, NULL, NULL, NULL\n};"
    )
    parts.append(byte_array("aot_payload", plan.payload()))
    parts.append(_INIT.replace("@SHORT@", plan.short_name))
    return "\n".join(parts)
