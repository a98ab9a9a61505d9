/* Hand-written C versions of the kernels of bench/bench_native.py, as a METH_FASTCALL
 * extension module `ilobench`: what a careful C programmer writes by hand, compiled with
 * gcc -O2. bench_native.py builds it itself (bench/_build/, git-ignored).
 *
 * Numbers cross the boundary as doubles (PyFloat_AsDouble accepts float, int and objects with
 * __float__/__index__), like the ilo `n` type. The kernels compute exactly what the ilo
 * kernels compute (same operations in the same order, so the same doubles come out), written
 * the natural C way: loop counters are integers, ranges exclusive of their end like `@i a..b`.
 * `collatz_total` uses integer arithmetic (what C code would do); `collatz_total_fmod` keeps
 * the ilo semantics (doubles, `mod` is fmod, `=` compares within machine epsilon) to show
 * where the difference between the two comes from.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

static int arity(const char *name, Py_ssize_t nargs, Py_ssize_t want)
{
    if (nargs == want)
        return 1;
    PyErr_Format(PyExc_TypeError, "%s() takes exactly %zd arguments (%zd given)", name, want,
                 nargs);
    return 0;
}

/* Unboxes args[0..n) into out; 0 with a Python error set on failure. */
static int doubles(PyObject *const *args, Py_ssize_t n, double *out)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyFloat_AsDouble(args[i]);
        if (out[i] == -1.0 && PyErr_Occurred())
            return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------------ kernels */

/* tot p:n q:n r:n>n;s=*p q;t=*s r;+s t */
static double c_tot(double p, double q, double r)
{
    double s = p * q;
    double t = s * r;
    return s + t;
}

/* fib n:n>n;<n 2 n;+fib -n 1 fib -n 2 */
static double c_fib(double n)
{
    if (n < 2)
        return n;
    return c_fib(n - 1) + c_fib(n - 2);
}

/* fib with one real call per call: gcc -O2 inlines c_fib into itself several levels deep
 * (16 call sites in its code), which noinline prevents. */
__attribute__((noinline)) static double c_fib_noinline(double n)
{
    if (n < 2)
        return n;
    return c_fib_noinline(n - 1) + c_fib_noinline(n - 2);
}

/* fib with the native code's runtime-error protocol written out in C: a depth count in a
 * context struct, checked against the limit before each call, a status test after it. */
struct fib_ctx {
    int status, depth, limit;
};

__attribute__((noinline)) static double c_fib_ctx_rec(struct fib_ctx *ctx, double n)
{
    ctx->depth++;
    if (n < 2) {
        ctx->depth--;
        return n;
    }
    if (ctx->depth >= ctx->limit) {
        ctx->status = 1;
        return 0;
    }
    double a = c_fib_ctx_rec(ctx, n - 1);
    if (ctx->status)
        return 0;
    if (ctx->depth >= ctx->limit) {
        ctx->status = 1;
        return 0;
    }
    double b = c_fib_ctx_rec(ctx, n - 2);
    if (ctx->status)
        return 0;
    ctx->depth--;
    return a + b;
}

static double c_fib_ctx(double n)
{
    struct fib_ctx ctx = {0, 0, 10000};
    double r = c_fib_ctx_rec(&ctx, n);
    return ctx.status ? NAN : r;
}

/* sumrep reps:n n:n>n;t=0;@r 0..reps{s=0;@i 0..n{s=+s i};t=+t s};t */
static double c_sumrep(double reps, double n)
{
    long long outer = (long long)reps, inner = (long long)n;
    double t = 0;
    for (long long r = 0; r < outer; r++) {
        double s = 0;
        for (long long i = 0; i < inner; i++)
            s += (double)i;
        t += s;
    }
    return t;
}

/* collatz-total lim:n>n: total Collatz steps of 1..lim, integer arithmetic. */
static double c_collatz_total(double lim)
{
    long long end = (long long)lim + 1;
    long long t = 0;
    for (long long k = 1; k < end; k++) {
        long long x = k;
        while (x > 1) {
            x = x % 2 == 0 ? x / 2 : 3 * x + 1;
            t++;
        }
    }
    return (double)t;
}

/* The same with ilo's semantics: doubles, fmod, `=` within machine epsilon. */
static double c_collatz_total_fmod(double lim)
{
    long long end = (long long)(lim + 1);
    double t = 0;
    for (long long k = 1; k < end; k++) {
        double x = (double)k;
        while (x > 1) {
            x = fabs(fmod(x, 2) - 0) < 2.220446049250313e-16 ? x / 2 : 3 * x + 1;
            t += 1;
        }
    }
    return t;
}

/* escape cr:n ci:n>n: Mandelbrot escape count, at most 100 iterations. */
static double c_escape(double cr, double ci)
{
    double zr = 0, zi = 0, k = 0;
    while (k < 100) {
        if (zr * zr + zi * zi > 4)
            break;
        double nzr = zr * zr - zi * zi + cr;
        zi = 2 * (zr * zi) + ci;
        zr = nzr;
        k = k + 1;
    }
    return k;
}

/* mandel n:n>n: total escape counts on an n x n grid over [-2, 0.5] x [-1.25, 1.25]. */
static double c_mandel(double n)
{
    long long size = (long long)n;
    double t = 0;
    for (long long i = 0; i < size; i++) {
        double cr = 2.5 * (double)i / n - 2;
        for (long long j = 0; j < size; j++) {
            double ci = 2.5 * (double)j / n - 1.25;
            t += c_escape(cr, ci);
        }
    }
    return t;
}

/* ------------------------------------------------------------------ Python wrappers */

#define WRAP1(pyname, cfunc)                                                             \
    static PyObject *py_##pyname(PyObject *self, PyObject *const *args, Py_ssize_t nargs) \
    {                                                                                    \
        double a[1];                                                                     \
        if (!arity(#pyname, nargs, 1) || !doubles(args, 1, a))                           \
            return NULL;                                                                 \
        return PyFloat_FromDouble(cfunc(a[0]));                                          \
    }

#define WRAP2(pyname, cfunc)                                                             \
    static PyObject *py_##pyname(PyObject *self, PyObject *const *args, Py_ssize_t nargs) \
    {                                                                                    \
        double a[2];                                                                     \
        if (!arity(#pyname, nargs, 2) || !doubles(args, 2, a))                           \
            return NULL;                                                                 \
        return PyFloat_FromDouble(cfunc(a[0], a[1]));                                    \
    }

/* tot written out in full: the call-overhead comparison is about exactly this code. */
static PyObject *py_tot(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    double p, q, r;
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "tot() takes exactly 3 arguments (%zd given)", nargs);
        return NULL;
    }
    p = PyFloat_AsDouble(args[0]);
    q = PyFloat_AsDouble(args[1]);
    r = PyFloat_AsDouble(args[2]);
    if ((p == -1.0 || q == -1.0 || r == -1.0) && PyErr_Occurred())
        return NULL;
    return PyFloat_FromDouble(c_tot(p, q, r));
}

WRAP1(fib, c_fib)
WRAP1(fib_noinline, c_fib_noinline)
WRAP1(fib_ctx, c_fib_ctx)
WRAP2(sumrep, c_sumrep)
WRAP1(collatz_total, c_collatz_total)
WRAP1(collatz_total_fmod, c_collatz_total_fmod)
WRAP2(escape, c_escape)
WRAP1(mandel, c_mandel)

static PyMethodDef methods[] = {
    {"tot", (PyCFunction)(void (*)(void))py_tot, METH_FASTCALL, "tot(p, q, r)"},
    {"fib", (PyCFunction)(void (*)(void))py_fib, METH_FASTCALL, "fib(n)"},
    {"fib_noinline", (PyCFunction)(void (*)(void))py_fib_noinline, METH_FASTCALL,
     "fib_noinline(n)"},
    {"fib_ctx", (PyCFunction)(void (*)(void))py_fib_ctx, METH_FASTCALL, "fib_ctx(n)"},
    {"sumrep", (PyCFunction)(void (*)(void))py_sumrep, METH_FASTCALL, "sumrep(reps, n)"},
    {"collatz_total", (PyCFunction)(void (*)(void))py_collatz_total, METH_FASTCALL,
     "collatz_total(lim)"},
    {"collatz_total_fmod", (PyCFunction)(void (*)(void))py_collatz_total_fmod, METH_FASTCALL,
     "collatz_total_fmod(lim)"},
    {"escape", (PyCFunction)(void (*)(void))py_escape, METH_FASTCALL, "escape(cr, ci)"},
    {"mandel", (PyCFunction)(void (*)(void))py_mandel, METH_FASTCALL, "mandel(n)"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "ilobench", NULL, -1, methods,
                                        NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_ilobench(void) { return PyModule_Create(&module_def); }
