"""Static checks and result types of builtin calls (builtins.md §0, §21; diagnostics.md §8.3).

`check_builtin_call` reports arity errors (T006, builtins.md §0 wording) and argument type
errors (T013) and returns the call's static result type, element types following the
arguments (`hd xs` with `xs:L n` is `n`). Only known, incompatible types are reported: `_`
passes every check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .ast import Call, Expr, Text
from .builtin_names import ACCEPTED_ARITIES, VARIADIC_MIN
from .compat import (
    accepts_list,
    accepts_map,
    accepts_num,
    accepts_text,
    compatible,
    is_any,
    list_elem,
)
from .types import (
    ANY,
    BOOL,
    NUM,
    TEXT,
    TBool,
    TFn,
    TList,
    TMap,
    TOpt,
    TResult,
    Type,
    render_type,
)
from .verify_ctx import FnContext

Pred = Callable[[Type], bool]


def _seq(t: Type) -> bool:
    return accepts_list(t) or accepts_text(t)


def _len_arg(t: Type) -> bool:
    return accepts_list(t) or accepts_text(t) or accepts_map(t)


def _list_num(t: Type) -> bool:
    return compatible(t, TList(NUM))


def _matrix(t: Type) -> bool:
    return compatible(t, TList(TList(NUM)))


def _fn(t: Type) -> bool:
    return is_any(t) or isinstance(t, TFn)


@dataclass
class BuiltinCall:
    """One builtin call being checked: its argument expressions and their types."""

    ctx: FnContext
    name: str
    args: list[Expr]
    types: list[Type]

    def need(self, i: int, ok: Pred, message: str, suggestion: str | None = None) -> bool:
        """Report T013 if argument `i` has a known type failing `ok`; `{T}` in `message` is
        the rendered type, `{N}` the builtin name, `{I}` the 1-based position."""
        if i >= len(self.types):
            return True
        t = self.types[i]
        if is_any(t) or ok(t):
            return True
        text = message.replace("{N}", self.name).replace("{I}", str(i + 1))
        self.report(text.replace("{T}", render_type(t)), suggestion)
        return False

    def need_all(self, ok: Pred, message: str) -> None:
        for i in range(len(self.types)):
            self.need(i, ok, message)

    def report(self, message: str, suggestion: str | None = None) -> None:
        self.ctx.error("ILO-T013", message, suggestion)


# ------------------------------------------------------------------ simple per-argument rules

Rule = tuple[int, Pred, str] | tuple[int, Pred, str, str]
SIMPLE_RULES: dict[str, list[Rule]] = {}
ALL_ARGS_RULES: dict[str, tuple[Pred, str]] = {}


def _rules(names: str, rules: list[Rule]) -> None:
    for name in names.split():
        SIMPLE_RULES[name] = rules


def _all(names: str, pred: Pred, message: str) -> None:
    for name in names.split():
        ALL_ARGS_RULES[name] = (pred, message)


_rules(
    "abs flr cel rou sqrt log exp sin cos tan log10 log2 asin acos atan str chr",
    [(0, accepts_num, "'{N}' expects n, got {T}")],
)
_rules("num trm upr lwr cap ord chars jpar", [(0, accepts_text, "'{N}' expects t, got {T}")])
_rules("len", [(0, _len_arg, "'len' expects a list, map, or text, got {T}")])
_rules("hd tl rev unq", [(0, _seq, "'{N}' expects a list or text, got {T}")])
_rules(
    "slc",
    [
        (0, _seq, "'slc' expects a list or text, got {T}"),
        (1, accepts_num, "'slc' arg 2 expects n, got {T}"),
        (2, accepts_num, "'slc' arg 3 expects n, got {T}"),
    ],
)
_rules(
    "take drop",
    [
        (0, accepts_num, "'{N}' count must be n, got {T}"),
        (1, _seq, "'{N}' expects a list or text, got {T}"),
    ],
)
_rules(
    "at",
    [
        (0, _seq, "'at' expects a list or text, got {T}"),
        (1, accepts_num, "'at' index must be n, got {T}"),
    ],
)
_rules("has", [(0, _seq, "'has' arg 1 expects a list or text, got {T}")])
_all("mod pow atan2 clamp range rnd rndn fmt2", accepts_num, "'{N}' arg {I} expects n, got {T}")
_all("spl", accepts_text, "'spl' arg {I} expects t, got {T}")
_rules(
    "cat",
    [
        (0, accepts_list, "'cat' arg 1 expects L t, got {T}"),
        (1, accepts_text, "'cat' arg 2 expects t, got {T}"),
    ],
)
_rules(
    "padl padr",
    [
        (0, accepts_text, "'{N}' arg 1 expects t, got {T}"),
        (1, accepts_num, "'{N}' arg 2 expects n, got {T}"),
        (2, accepts_text, "'{N}' arg 3 (pad char) expects t, got {T}"),
    ],
)
_all("zip setunion setinter setdiff", accepts_list, "'{N}' arg {I} expects a list, got {T}")
_rules(
    "window",
    [
        (0, accepts_num, "'window' arg 1 expects n, got {T}"),
        (1, accepts_list, "'window' arg 2 expects a list, got {T}"),
    ],
)
_rules(
    "chunks",
    [
        (0, accepts_num, "'chunks' arg 1 expects n, got {T}"),
        (1, accepts_list, "'chunks' expects a list, got {T}"),
    ],
)
_rules("enumerate frq", [(0, accepts_list, "'{N}' expects a list, got {T}")])
_rules("cumsum", [(0, _list_num, "'cumsum' expects L n, got {T}")])
_rules("median stdev variance fft", [(0, _list_num, "'{N}' expects a list of numbers, got {T}")])
_rules("ifft", [(0, _matrix, "'ifft' expects a list of [real, imag] pairs, got {T}")])
_rules(
    "quantile",
    [
        (0, accepts_list, "'quantile' first arg must be a list, got {T}"),
        (1, accepts_num, "'quantile' second arg p must be n, got {T}"),
    ],
)
_rules("transpose inv det", [(0, _matrix, "'{N}' expects L (L n), got {T}")])
_all("matmul", _matrix, "'matmul' arg {I} must be L (L n), got {T}")
_all("dot", _list_num, "'dot' arg {I} must be L n, got {T}")
_rules(
    "solve",
    [
        (0, _matrix, "'solve' first arg expects L (L n), got {T}"),
        (1, _list_num, "'solve' second arg expects L n, got {T}"),
    ],
)
_rules("mkeys", [(0, accepts_map, "'mkeys' expects a map, got {T}")])
_all("rgxsub", accepts_text, "'rgxsub' arg {I} expects t, got {T}")
_all("jpth", accepts_text, "'jpth' arg {I} expects t, got {T}")
_rules(
    "dtfmt",
    [
        (0, accepts_num, "'dtfmt' first arg must be n (unix epoch), got {T}"),
        (1, accepts_text, "'dtfmt' second arg must be t (format), got {T}"),
    ],
)
_rules(
    "dtparse",
    [
        (0, accepts_text, "'dtparse' first arg must be t, got {T}"),
        (1, accepts_text, "'dtparse' second arg must be t (format), got {T}"),
    ],
)
_rules(
    "rd rdb",
    [
        (0, accepts_text, "'{N}' expects t (path/string), got {T}"),
        (1, accepts_text, "'{N}' format arg expects t (\"csv\", \"json\", \"raw\"…), got {T}"),
    ],
)
_rules("rdl rdjl", [(0, accepts_text, "'{N}' expects t (path), got {T}")])
_rules("wrl", [(0, accepts_text, "'wrl' arg 1 expects t (path), got {T}")])
_rules(
    "sleep",
    [
        (
            0,
            accepts_num,
            "'sleep' expects ms:n, got {T}",
            "pass a number of milliseconds, e.g. sleep 100",
        )
    ],
)


# ------------------------------------------------------------------ rules needing code


def _check_min_max(bc: BuiltinCall) -> None:
    if len(bc.types) == 2:
        bc.need_all(accepts_num, "'{N}' arg {I} expects n, got {T}")
        return
    t = bc.types[0]
    if is_any(t):
        return
    if not accepts_list(t):
        bc.report(
            f"'{bc.name}' expects L n, got {render_type(t)}",
            "use `min xs` for the list form or `min a b` for two numbers",
        )
    elif not _list_num(t):
        bc.report(f"'{bc.name}' expects L n, got {render_type(t)}")


def _check_lst(bc: BuiltinCall) -> None:
    bc.need(0, accepts_list, "'lst' expects a list, got {T}")
    bc.need(1, accepts_num, "'lst' index must be n, got {T}")
    xs, v = bc.types[0], bc.types[2]
    if isinstance(xs, TList) and not compatible(xs.elem, v):
        bc.report(
            f"'lst' value type {render_type(v)} does not match list element type "
            f"{render_type(xs.elem)}"
        )


def _check_map_key(bc: BuiltinCall) -> None:
    if bc.name == "mhas":
        bc.need(0, accepts_map, "'mhas' expects a map, got {T}")
    m, k = bc.types[0], bc.types[1]
    if isinstance(m, TMap) and not is_any(m.key) and not compatible(m.key, k):
        bc.report(
            f"'{bc.name}' key must match map key type {render_type(m.key)}, got {render_type(k)}"
        )


WR_FORMATS = ("json", "csv", "tsv")


def _check_wr(bc: BuiltinCall) -> None:
    bc.need(0, accepts_text, "'wr' arg 1 expects t (path), got {T}")
    if len(bc.types) == 2:
        bc.need(
            1,
            accepts_text,
            "'wr' arg 2 expects t (content), got {T}",
            'for typed data use the 3-arg form: wr path data "json"',
        )
        return
    ok = bc.need(
        2,
        accepts_text,
        "'wr' arg 3 (format) expects t, got {T}",
        'supported formats: "json", "csv", "tsv"',
    )
    fmt_arg = bc.args[2]
    if ok and isinstance(fmt_arg, Text) and fmt_arg.value not in WR_FORMATS:
        bc.report(
            f"'wr' format \"{fmt_arg.value}\" is not supported; expected \"json\", \"csv\", "
            'or "tsv"',
            'e.g. wr path data "json"',
        )


def _check_fmt(bc: BuiltinCall) -> None:
    ok = bc.need(0, accepts_text, "'fmt' first arg must be a text template, got {T}")
    tmpl = bc.args[0]
    if not ok or not isinstance(tmpl, Text):
        return
    start = tmpl.value.find("{:")
    if start < 0:
        return
    end = tmpl.value.find("}", start)
    spec = tmpl.value[start : end + 1] if end >= 0 else tmpl.value[start:]
    bc.report(
        f"'fmt' only supports bare `{{}}` placeholders, got `{spec}`",
        'for decimal precision use `fmt "...{}" (fmt2 v 2)`; for width / padding use '
        "`padl (str n) 6` (space-pad)",
    )


HOF_EXAMPLES = {
    "map": "map sq xs",
    "flt": "flt pred xs",
    "ct": "ct pred xs",
    "fld": "fld f xs init",
    "grp": "grp key-fn xs",
    "uniqby": "uniqby key-fn xs",
    "flatmap": "flatmap f xs",
    "mapr": "mapr num xs",
}
# Builtins with a ctx-arg form: argument count of that form.
CTX_FORM_ARITY = {"map": 3, "flt": 3, "ct": 3, "fld": 4, "srt": 3, "rsrt": 3}
SWAP_CHECKED = frozenset({"map", "flt", "srt", "rsrt"})


def _check_ctx_form(bc: BuiltinCall, fn_word: str) -> None:
    """The ctx-arg form (builtins.md §6.2): callback arity and swapped parameters."""
    f = bc.types[0]
    if not isinstance(f, TFn):
        return
    name = bc.name
    if name == "fld":
        if len(f.params) != 3:
            bc.report(
                f"'fld' {fn_word} must take 3 args (acc, elem, ctx) for closure-bind variant, "
                f"got {len(f.params)} args",
                "for fld fn ctx xs init, fn must be: F b a c b",
            )
        return
    if len(f.params) != 2:
        bc.report(
            f"'{name}' {fn_word} must take 2 args (elem, ctx) for closure-bind variant, "
            f"got {len(f.params)} args",
            f"for {name} fn ctx xs, fn must be: F a c b",
        )
        return
    if name not in SWAP_CHECKED:
        return
    ctx_t, elem_t = bc.types[1], list_elem(bc.types[2])
    p0, p1 = f.params
    if is_any(ctx_t) or is_any(elem_t) or ctx_t == elem_t:
        return
    if p0 == ctx_t and p1 == elem_t:
        r0, r1 = render_type(p0), render_type(p1)
        bc.report(
            f"'{name}' {fn_word} params look swapped for closure-bind variant",
            f"param order is `(element, ctx)`, not `(ctx, element)` — your fn takes "
            f"`({r0}, {r1})` but the list element is `{render_type(elem_t)}` and the ctx is "
            f"`{render_type(ctx_t)}`; swap the params to `({r1}, {r0})`",
        )


def _check_hof(bc: BuiltinCall) -> None:
    name = bc.name
    if name == "partition":
        sugg = "pass a predicate function: partition pred xs"
    else:
        sugg = f"pass a function name: {HOF_EXAMPLES[name]}"
    if not bc.need(0, _fn, f"'{name}' first arg must be a function (F ...), got {{T}}", sugg):
        return
    if CTX_FORM_ARITY.get(name) == len(bc.types):
        _check_ctx_form(bc, "fn")
    f = bc.types[0]
    if name == "mapr" and isinstance(f, TFn) and not is_any(f.ret):
        if not isinstance(f.ret, TResult):
            bc.report(
                f"'mapr' fn must return a Result (R _ _), got {render_type(f.ret)}; use 'map' "
                "for non-fallible fns",
                "mapr short-circuits on the first ^err; for non-fallible fns use map",
            )


def _check_sort(bc: BuiltinCall) -> None:
    name = bc.name
    if len(bc.types) >= 2:
        example = f"{name} key-fn ctx xs" if len(bc.types) == 3 else f"{name} key-fn xs"
        if bc.need(
            0,
            _fn,
            f"'{name}' key arg must be a function (F ...), got {{T}}",
            f"pass a function name: {example}",
        ) and len(bc.types) == 3:
            _check_ctx_form(bc, "key fn")
    bc.need(len(bc.types) - 1, _seq, f"'{name}' expects a list or text, got {{T}}")


CUSTOM_CHECKS: dict[str, Callable[[BuiltinCall], None]] = {
    "min": _check_min_max,
    "max": _check_min_max,
    "lst": _check_lst,
    "mget": _check_map_key,
    "mset": _check_map_key,
    "mhas": _check_map_key,
    "mdel": _check_map_key,
    "wr": _check_wr,
    "fmt": _check_fmt,
    "srt": _check_sort,
    "rsrt": _check_sort,
}
for _name in "map flt ct fld grp uniqby partition flatmap mapr".split():
    CUSTOM_CHECKS[_name] = _check_hof


# ------------------------------------------------------------------ arity


def arity_text(counts: tuple[int, ...]) -> str:
    """`1`, `1 or 2`, `1, 2, or 3` (builtins.md §0)."""
    words = [str(c) for c in counts]
    if len(words) <= 2:
        return " or ".join(words)
    return ", ".join(words[:-1]) + ", or " + words[-1]


def arity_error(name: str, got: int) -> str | None:
    """The T006 message if `name` does not accept `got` arguments, else None."""
    if name in VARIADIC_MIN:
        low = VARIADIC_MIN[name]
        if got >= low:
            return None
        return f"arity mismatch: '{name}' expects {low} args, got {got}"
    counts = ACCEPTED_ARITIES.get(name)
    if counts is None or got in counts:
        return None
    return f"arity mismatch: '{name}' expects {arity_text(counts)} args, got {got}"


# ------------------------------------------------------------------ result types


def _fn_ret(t: Type) -> Type:
    return t.ret if isinstance(t, TFn) else ANY


def _seq_elem(t: Type) -> Type:
    if isinstance(t, TList):
        return t.elem
    if accepts_text(t) and not is_any(t) and not isinstance(t, TOpt):
        return TEXT
    return ANY


def _same_seq(t: Type) -> Type:
    return t if isinstance(t, TList) or (accepts_text(t) and not isinstance(t, TOpt)) else ANY


def _list_or_any(t: Type) -> Type:
    return t if isinstance(t, TList) else ANY


def _map_part(t: Type, part: str) -> Type:
    if not isinstance(t, TMap):
        return ANY
    return t.key if part == "key" else t.value


L_LN = TList(TList(NUM))
FIXED_RESULTS: dict[str, Type] = {}
for _names, _t in (
    (
        "abs flr cel rou sqrt log exp sin cos tan log10 log2 asin acos atan mod pow atan2 clamp "
        "rnd rndn len ord ct median stdev variance quantile det dot",
        NUM,
    ),
    ("str chr cat trm upr lwr cap fmt fmt2 padl padr jdmp", TEXT),
    ("has mhas", BOOL),
    ("spl chars", TList(TEXT)),
    ("num dtparse", TResult(NUM, TEXT)),
    ("jpth wr wrl dtfmt", TResult(TEXT, TEXT)),
    ("jpar rd rdb", TResult(ANY, TEXT)),
    ("rdl", TResult(TList(TEXT), TEXT)),
    ("rdjl", TList(TResult(ANY, TEXT))),
    ("range cumsum ifft solve", TList(NUM)),
    ("fft inv matmul", L_LN),
    ("zip enumerate", TList(TList(ANY))),
    ("mmap", TMap(ANY, ANY)),
    ("sum avg now env rgx rgxall rgxall1 sleep get post get-many", ANY),
):
    for _name in _names.split():
        FIXED_RESULTS[_name] = _t


def result_type(name: str, types: list[Type]) -> Type:
    """Static result of builtin `name` applied to arguments of `types` (arity already ok)."""
    if name in FIXED_RESULTS:
        return FIXED_RESULTS[name]
    first = types[0] if types else ANY
    last = types[-1] if types else ANY
    if name in ("min", "max"):
        return NUM
    if name in ("hd", "at"):
        return _seq_elem(first)
    if name in ("tl", "rev", "unq", "slc"):
        return _same_seq(first)
    if name in ("take", "drop", "srt", "rsrt"):
        return _same_seq(last)
    if name == "prnt":
        return first
    if name == "lst":
        return _list_or_any(first)
    if name == "flat":
        inner = list_elem(first)
        return inner if isinstance(inner, TList) else TList(ANY)
    if name in ("window", "chunks"):
        return TList(TList(list_elem(last)))
    if name == "partition":
        return TList(_list_or_any(last) if isinstance(last, TList) else TList(ANY))
    if name == "frq":
        elem = list_elem(first)
        return TMap(TEXT if isinstance(elem, TBool) else elem, NUM)
    if name in ("setunion", "setinter", "setdiff"):
        return first if isinstance(first, TList) else TList(ANY)
    if name == "transpose":
        return first if isinstance(first, TList) else TList(TList(ANY))
    if name == "mget":
        value = _map_part(first, "value")
        return ANY if is_any(value) else TOpt(value)
    if name in ("mset", "mdel"):
        return first if isinstance(first, TMap) else ANY
    if name == "mkeys":
        return TList(_map_part(first, "key"))
    if name == "mvals":
        return TList(_map_part(first, "value"))
    return _hof_result(name, types)


def _hof_result(name: str, types: list[Type]) -> Type:
    f = types[0] if types else ANY
    if name == "fld":
        return _fn_ret(f)
    xs = types[-1] if name != "fld" else ANY
    if name == "map":
        return TList(_fn_ret(f))
    if name in ("flt", "uniqby"):
        return xs if isinstance(xs, TList) else TList(ANY)
    if name == "grp":
        return TMap(_fn_ret(f), xs if isinstance(xs, TList) else TList(ANY))
    if name == "flatmap":
        ret = _fn_ret(f)
        return ret if isinstance(ret, TList) else TList(ANY)
    if name == "mapr":
        ret = _fn_ret(f)
        if isinstance(ret, TResult):
            return TResult(TList(ret.ok), ret.err)
        return TResult(TList(ANY), ANY)
    return ANY


# ------------------------------------------------------------------ entry point


def check_builtin_call(ctx: FnContext, call: Call, types: list[Type]) -> Type:
    """Check a call of builtin `call.callee` whose arguments have `types`; its result type."""
    name = call.callee
    message = arity_error(name, len(types))
    if message is not None:
        ctx.error("ILO-T006", message)
        return ANY
    bc = BuiltinCall(ctx, name, list(call.args), list(types))
    custom = CUSTOM_CHECKS.get(name)
    if custom is not None:
        custom(bc)
    for rule in SIMPLE_RULES.get(name, []):
        bc.need(*rule)
    if name in ALL_ARGS_RULES:
        pred, message = ALL_ARGS_RULES[name]
        bc.need_all(pred, message)
    return result_type(name, types)
