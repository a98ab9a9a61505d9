"""Unit tests of the verifier (language.md §3, §6; diagnostics.md §8) over source snippets."""

from __future__ import annotations

import json

import pytest

from ilo_aot.frontend import verify as verify_mod
from ilo_aot.frontend.ast import (
    Call,
    ExprStmt,
    FnDecl,
    Let,
    Name,
    Param,
    Program,
    SourceFile,
    Span,
)
from ilo_aot.frontend.types import ANY, NUM, TEXT, TList, TNamed, TResult

parser = pytest.importorskip("ilo_aot.frontend.parser")


@pytest.fixture(autouse=True)
def strict_verifier(monkeypatch):
    """Internal errors in the verifier must surface in tests, not be swallowed."""
    monkeypatch.setattr(verify_mod, "STRICT", True)


def parse(src: str) -> Program:
    program, diags = parser.parse_source(SourceFile(None, src))
    assert not diags, [d.to_json() for d in diags]
    return program


def diags(src: str):
    return verify_mod.verify(parse(src))


def one(src: str, code: str, message: str, span_text: str | None = None, suggestion=...):
    """Exactly one diagnostic with `code` and `message`; span over `span_text` (first
    occurrence searched from the end of the header) and, if given, `suggestion`."""
    found = diags(src)
    assert len(found) == 1, [d.to_json() for d in found]
    d = found[0]
    assert (d.code, d.message) == (code, message)
    if span_text is not None:
        start = src.encode().index(span_text.encode(), src.index(">"))
        assert (d.start, d.end) == (start, start + len(span_text.encode()))
    if suggestion is not ...:
        assert d.suggestion == suggestion
    assert d.label == ""
    return d


def first_fn(program: Program, name: str) -> FnDecl:
    return next(d for d in program.decls if isinstance(d, FnDecl) and d.name == name)


# ---------------------------------------------------------------- valid programs


@pytest.mark.parametrize(
    "src",
    [
        "f x:n>n;*x 2",
        "f xs:L n>n;s=0;@x xs{s=+s x};s",
        "f xs:L n>n;hd xs",
        "f>t;str 5",
        "f m:M t n>O n;mget m \"a\"",
        "f s:t>R n t;n=num! s;~n",
        "f r:R n t>n;?r{~v:v;^e:0}",
        "f c:b>n;?c{true:1;false:0}",
        "type pt{x:n;y:n} f>n;p=pt x:1 y:2;q=p with y:5;+p.x q.y",
        "g x:n>n;*x 2 f xs:L n>L n;map g xs",
        "f xs:L n>L n;map (x:n>n;*x 2) xs",
        "f k:n xs:L n>L n;map (x:n>n;+x k) xs",
        "f x:n>n;>x 0 1;2",
        "f x:n>n;@i 0..x{>i 2{brk}};x",
        "f>_;x=nil;x",
        "alias pts L n\nf p:pts>n;len p",
        "f x:_>n;+x 1",
        "f>n;xs=[1 2];xs=+=xs 3;len xs",
        "f>O n;nil",
        "f s:S a b>t;s",
        "f p:pt>n;1\ntype pt{x:n}",
    ],
)
def test_valid_programs_verify_clean(src):
    assert [d.to_json() for d in diags(src) if d.severity == "error"] == []


# ---------------------------------------------------------------- names and calls


def test_t004_undefined_variable_with_closest_name():
    one("f y:n>n;+yy 1", "ILO-T004", "undefined variable 'yy'", "+yy 1", "did you mean 'y'?")


def test_t004_kebab_hint():
    one(
        "f a:n b:n>n;a-b",
        "ILO-T004",
        "undefined variable 'a-b'",
        "a-b",
        "'a-b' is a single identifier (kebab-case); for subtraction write '- a b'",
    )


def test_t004_each_use_reported():
    found = diags("f>n;+y y")
    assert [d.code for d in found] == ["ILO-T004", "ILO-T004"]


def test_t004_name_created_in_block_is_unknown_after_it():
    found = diags("f c:b>n;c{z=1};z")
    assert [(d.code, d.message) for d in found] == [("ILO-T004", "undefined variable 'z'")]


def test_t005_undefined_function():
    one("f>n;fooo 1", "ILO-T005", "undefined function 'fooo' (called with 1 args)", "fooo 1")


def test_t005_local_that_is_not_a_function():
    one(
        "f x:n>n;x 1",
        "ILO-T005",
        "'x' is a n, not a function (called with 1 args)",
        "x 1",
        "'x' is bound as n in this scope; only functions can be called",
    )


def test_t006_user_function_arity():
    one(
        "g x:n>n;x\nf>n;g 1 2",
        "ILO-T006",
        "arity mismatch: 'g' expects 1 args, got 2",
        "g 1 2",
        "'g' expects: x:n",
    )


def test_t006_builtin_arity_wording():
    one("f>n;min 1 2 3", "ILO-T006", "arity mismatch: 'min' expects 1 or 2 args, got 3")
    one("f>n;srt 1 2 3 4", "ILO-T006", "arity mismatch: 'srt' expects 1, 2, or 3 args, got 4")


def test_t007_param_type():
    one(
        "g x:n>n;x\nf>n;g \"a\"",
        "ILO-T007",
        "type mismatch: param 'x' of 'g' expects n, got t",
        suggestion="use 'num' to parse text as number (returns R n t)",
    )


def test_t007_through_function_parameter():
    one(
        "f g:F n n>n;g \"a\"",
        "ILO-T007",
        "type mismatch: arg 1 of 'g' expects n, got t",
        suggestion=None,
    )


def test_t008_body_type():
    one(
        "f>t;5",
        "ILO-T008",
        "return type mismatch: expected t, got n",
        "5",
        "use 'str' to convert: str <expr>",
    )
    one("f>n;x=5", "ILO-T008", "return type mismatch: expected n, got _")


def test_t008_rebinding_in_block_keeps_outer_type():
    one("f c:b>t;x=1;c{x=\"a\"};x", "ILO-T008", "return type mismatch: expected t, got n")


def test_t008_builtin_element_type():
    one("f xs:L n>t;hd xs", "ILO-T008", "return type mismatch: expected t, got n")


# ---------------------------------------------------------------- operators


def test_t009_plus():
    one(
        "f>n;+1 \"a\"",
        "ILO-T009",
        "'+' expects matching n, t, or L types, got n and t",
        "+1 \"a\"",
        "convert number to text with 'str' before concatenating",
    )


def test_t009_minus_and_no_cascade():
    found = diags("f>n;x=+1 \"a\";-x \"b\"")
    assert [d.code for d in found] == ["ILO-T009", "ILO-T009"]
    assert found[1].message == "'-' expects n and n, got _ and t"
    assert found[1].suggestion == "parse text as number with 'num' first"


def test_t010_comparison():
    one("f>b;>1 \"a\"", "ILO-T010", "comparison expects matching n or t, got n and t")


def test_t011_append():
    one("f>n;+=1 2", "ILO-T011", "'+=' expects a list on the left, got n")
    one(
        "f xs:L n>L n;+=xs \"a\"",
        "ILO-T011",
        "'+=' list element type n doesn't match appended t",
    )


def test_t012_negate():
    one("f s:t>n;-s", "ILO-T012", "negate expects n, got t")


# ---------------------------------------------------------------- builtins (T013)


@pytest.mark.parametrize(
    "src,message",
    [
        ("f>t;upr 5", "'upr' expects t, got n"),
        ("f>n;abs \"a\"", "'abs' expects n, got t"),
        ("f>n;len 5", "'len' expects a list, map, or text, got n"),
        ("f>n;at 5 0", "'at' expects a list or text, got n"),
        ("f xs:L n>n;at xs \"a\"", "'at' index must be n, got t"),
        ("f>n;mod 1 \"a\"", "'mod' arg 2 expects n, got t"),
        ("f>t;cat 5 \",\"", "'cat' arg 1 expects L t, got n"),
        ("f xs:L t>L n;cumsum xs", "'cumsum' expects L n, got L t"),
        ("f m:M t n>O n;mget m 1", "'mget' key must match map key type t, got n"),
        ("f>L n;map 5 [1]", "'map' first arg must be a function (F ...), got n"),
        ("f>n;fmt \"{:>3}\" 1;1", "'fmt' only supports bare `{}` placeholders, got `{:>3}`"),
    ],
)
def test_t013_builtin_arguments(src, message):
    found = [d for d in diags(src) if d.severity == "error"]
    assert [(d.code, d.message) for d in found] == [("ILO-T013", message)]


def test_t013_min_list_form_suggestion():
    one(
        "f>n;min \"a\"",
        "ILO-T013",
        "'min' expects L n, got t",
        suggestion="use `min xs` for the list form or `min a b` for two numbers",
    )


def test_t013_mapr_callback_must_return_result():
    one(
        "g x:n>n;x\nf xs:L n>R (L n) t;mapr g xs",
        "ILO-T013",
        "'mapr' fn must return a Result (R _ _), got n; use 'map' for non-fallible fns",
    )


# ---------------------------------------------------------------- loops and control flow


def test_t014_foreach_span_covers_whole_loop():
    src = "f s:t>n;@c s{prnt c};0"
    d = one(src, "ILO-T014", "foreach expects a list, got t")
    assert (d.start, d.end) == (8, 20)


def test_t014_range_bound():
    one("f s:t>n;@i 0..s{prnt i};0", "ILO-T014", "range end must be n, got t")


def test_t028_cnt_outside_loop():
    one("f x:n>n{>x 1{cnt};x}", "ILO-T028", "cnt can only be used inside a loop (@/wh)", "cnt")


def test_t029_unreachable_then_t008():
    found = diags("f>t;ret 1;\"a\"")
    assert [(d.code, d.severity) for d in found] == [
        ("ILO-T029", "warning"),
        ("ILO-T008", "error"),
    ]
    assert found[0].message == "unreachable code after 'ret'"


def test_t029_only_when_ret_type_matches():
    found = diags("f>n;ret 1;\"a\"")
    assert [d.code for d in found] == ["ILO-T029"]


def test_t027_guard_body_function_name():
    src = "g>n;1\nf x:n>n;>x 0 g;2"
    d = one(
        src,
        "ILO-T027",
        "braceless guard body 'g' is a function name — did you mean to call it?",
        suggestion="use braces for function calls: cond{g args}",
    )
    assert src[d.start : d.end] == "g"


# ---------------------------------------------------------------- records


def test_t015_t016_t017_record_construction():
    rec = "type pt{x:n;y:n}\n"
    one(rec + "f>pt;pt x:1", "ILO-T015", "missing field 'y' in record 'pt'")
    one(
        rec + "f>pt;pt x:1 y:2 yy:3",
        "ILO-T016",
        "unknown field 'yy' in record 'pt'",
        suggestion="did you mean 'y'?",
    )
    one(rec + "f>pt;pt x:\"a\" y:2", "ILO-T017", "field 'x' of 'pt' expects n, got t")


def test_t018_t019_t023_field_and_index():
    one("f m:n>n;m.score", "ILO-T018", "field access on non-record type n", "m.score")
    one(
        "type pt{x:n;y:n}\nf p:pt>n;p.xx",
        "ILO-T019",
        "no field 'xx' on type 'pt'",
        suggestion="did you mean 'x'?",
    )
    one("f x:n>n;x.0", "ILO-T023", "index access on non-list type n")


def test_t020_t021_t022_with():
    rec = "type pt{x:n;y:n}\n"
    one("f v:n>n;q=v with s:1;0", "ILO-T020", "'with' on non-record type n", "q=v with s:1")
    one(
        rec + "f p:pt>pt;p with yy:1",
        "ILO-T021",
        "unknown field 'yy' in 'with' on 'pt'",
        suggestion="did you mean 'y'?",
    )
    one(rec + "f p:pt>pt;p with y:\"a\"", "ILO-T022", "'with' field 'y' of 'pt' expects n, got t")


def test_destructure_errors():
    one("f x:n>n;{a;b}=x;a", "ILO-T009", "destructure requires a record type, got n")
    one("type pt{x:n;y:n}\nf p:pt>n;{x;z}=p;x", "ILO-T019", "no field 'z' on type 'pt'")


# ---------------------------------------------------------------- match, ternary, unwrap


def test_t024_exhaustiveness():
    one(
        "f c:b>n;?c{true:1}",
        "ILO-T024",
        "non-exhaustive match on Bool: missing false",
        suggestion="add: false: <expr>",
    )
    one(
        "f r:R n t>n;?r{~v:v}",
        "ILO-T024",
        "non-exhaustive match on Result: missing ^",
        suggestion="add: ^e: <expr>  (e is of type t)",
    )
    one(
        "f x:n>n;?x{1:2}",
        "ILO-T024",
        "non-exhaustive match: no wildcard arm",
        suggestion="add a wildcard arm: _: <default-expr>",
    )


def test_t003_ternary_branches():
    one("f c:b>n;?c 1 \"a\"", "ILO-T003", "ternary branches have different types: n vs t")


def test_t025_t026_unwrap():
    one(
        "g>n;1\nf>R n t;x=g!();~x",
        "ILO-T025",
        "'!' used on call to 'g' which returns n, not a Result or Optional",
        suggestion="'!' auto-unwraps R (Ok→v, Err→propagate) or O (Some→v, Nil→propagate)",
    )
    one(
        "g>R n t;~1\nf>n;g!()",
        "ILO-T026",
        "'!' used in function 'f' which returns n, not a Result",
        suggestion="the enclosing function must return R to propagate errors",
    )


def test_t026_inside_lambda_names_the_lambda():
    found = diags("f xs:L t>L n;map (s:t>n;num! s) xs")
    assert [(d.code, d.notes) for d in found] == [("ILO-T026", ["in function '__lit_0'"])]


# ---------------------------------------------------------------- declarations


def test_t001_t002_t003_declarations():
    d = one("f>n;1\nf>n;2", "ILO-T002", "duplicate function definition 'f'")
    assert (d.start, d.notes) == (None, ["in function '<global>'"])
    d = one("f x:foo>n;1", "ILO-T003", "undefined type 'foo'")
    assert (d.start, d.notes) == (None, ["in function 'f'"])
    one("type p{x:n}\ntype p{y:n}\nf>n;1", "ILO-T001", "duplicate type definition 'p'")


def test_t003_only_inside_l_and_r():
    assert diags("f x:O foo>n;1") == []
    assert [d.message for d in diags("f x:L (R foo t)>n;1")] == ["undefined type 'foo'"]


def test_t030_t031_aliases():
    found = diags("alias aa bb\nalias bb aa\nf>n;1")
    assert [(d.code, d.message) for d in found] == [
        ("ILO-T030", "circular type alias 'aa'"),
        ("ILO-T030", "circular type alias 'bb'"),
    ]
    one("alias n L n\nf>n;1", "ILO-T031", "type alias 'n' shadows a builtin type")


# ---------------------------------------------------------------- warnings


def test_t032_t033_warnings():
    d = one("f>n;fmt \"{}\" 1;1", "ILO-T032", "bare 'fmt' result is discarded")
    assert d.severity == "warning"
    d = one("f xs:L n>n;+=xs 1;1", "ILO-T033", "bare '+=' result is discarded")
    assert d.suggestion == (
        "`+=xs v` returns a new list — rebind with `xs=+=xs v` to mutate, or use the result"
    )


def test_warnings_come_before_errors():
    found = diags("f>n;fmt \"{}\" 1;+1 \"a\"")
    assert [d.severity for d in found] == ["warning", "error"]


# ---------------------------------------------------------------- annotations


def test_types_and_resolution_are_recorded():
    program = parse("g x:n>n;x\nf xs:L n>n;a=hd xs;b=g a;h=g;len xs")
    assert verify_mod.verify(program) == []
    body = first_fn(program, "f").body
    a, b, h, last = body
    assert isinstance(a, Let) and a.value.ty == NUM
    assert isinstance(a.value, Call) and a.value.resolved == "builtin"
    assert a.value.args[0].resolved == "local" and a.value.args[0].ty == TList(NUM)
    assert isinstance(b.value, Call) and b.value.resolved == "fn"
    assert isinstance(h.value, Name) and h.value.resolved == "fn"
    assert last.expr.ty == NUM


def test_types_of_results_and_records():
    program = parse("type pt{x:n}\nf s:t>R n t;p=pt x:1;r=num s;r")
    assert verify_mod.verify(program) == []
    p, r, _ = first_fn(program, "f").body
    assert p.value.ty == TNamed("pt")
    assert r.value.ty == TResult(NUM, TEXT)


def test_resolved_signature_expands_aliases():
    program = parse("alias pts L n\nf p:pts q:a>pts;p")
    params, ret = verify_mod.resolved_signature(program, "f")
    assert params == [TList(NUM), ANY] and ret == TList(NUM)
    assert verify_mod.resolved_signature(program, "nope") is None


def test_hand_built_ast_and_json_form():
    src = SourceFile("m.ilo", "f>n;zzzz")
    fn = FnDecl("f", [], NUM, [ExprStmt(Name("zzzz"), span=Span(4, 8))], source=src)
    found = verify_mod.verify(Program([fn], source=src))
    assert json.loads(found[0].to_json()) == {
        "code": "ILO-T004",
        "labels": [
            {"col": 5, "end": 8, "line": 1, "message": "", "primary": True, "start": 4}
        ],
        "message": "undefined variable 'zzzz'",
        "notes": ["in function 'f'"],
        "severity": "error",
    }
    assert found[0].path == "m.ilo"


def test_never_raises_on_odd_nodes(monkeypatch):
    monkeypatch.setattr(verify_mod, "STRICT", False)
    fn = FnDecl("f", [Param("x", NUM)], NUM, [ExprStmt(Call("at", [None]))])  # type: ignore
    assert isinstance(verify_mod.verify(Program([fn])), list)


# ---------------------------------------------------------------- more codes and ordering


def test_t034_unwrap_on_a_variable():
    one(
        "f r:R n t>R n t;x=r!;~x",
        "ILO-T034",
        "'!' is the auto-unwrap operator and only applies to function calls — 'r' is a R n t "
        "value",
        "x=r!",
    )


def test_t006_through_function_parameter():
    one(
        "f g:F n n>n;g 1 2",
        "ILO-T006",
        "arity mismatch: function parameter 'g' expects 1 args, got 2",
        suggestion=None,
    )


def test_t002_tool_conflicts_with_function():
    found = diags('f>n;1\ntool f"d" x:n>R _ t')
    assert [(d.code, d.message) for d in found] == [
        ("ILO-T002", "duplicate definition 'f' (tool conflicts with function)")
    ]


def test_tool_calls_resolve_to_tool():
    program = parse('tool ping"p" x:n>R _ t\nf>R _ t;ping 1')
    assert verify_mod.verify(program) == []
    call = first_fn(program, "f").body[0].expr
    assert call.resolved == "tool" and call.ty == TResult(ANY, TEXT)


def test_t024_sum_type_lists_missing_variants_in_order():
    one(
        'f c:S red grn blu>n;?c{"grn":1}',
        "ILO-T024",
        "non-exhaustive match on sum type: missing red, blu",
        suggestion='add: "red": <expr> or "blu": <expr>',
    )


def test_t024_type_test_arm_counts_as_catch_all():
    assert diags("f x:n>n;?x{n v:v}") == []


def test_t013_ctx_form_callback_arity():
    one(
        "g x:n>n;x\nf xs:L n>L n;map g 1 xs",
        "ILO-T013",
        "'map' fn must take 2 args (elem, ctx) for closure-bind variant, got 1 args",
        suggestion="for map fn ctx xs, fn must be: F a c b",
    )


def test_lambda_diagnostics_follow_functions_in_number_order():
    src = "f xs:L n>L n;a=map (x:n>n;+x \"a\") xs;map (y:n>n;-y \"b\") xs\ng>n;+1 \"c\""
    found = diags(src)
    assert [d.notes[0] for d in found] == [
        "in function 'g'",
        "in function '__lit_0'",
        "in function '__lit_1'",
    ]


def test_captured_variables_keep_their_types():
    found = diags("f k:t xs:L n>L n;map (x:n>n;+x k) xs")
    assert [(d.code, d.message, d.notes) for d in found] == [
        (
            "ILO-T009",
            "'+' expects matching n, t, or L types, got n and t",
            ["in function '__lit_0'"],
        )
    ]


def test_imported_declarations_report_against_their_file(tmp_path):
    imports = pytest.importorskip("ilo_aot.frontend.imports")
    lib = tmp_path / "lib.ilo"
    lib.write_text("h x:n>t;x\n")
    main = tmp_path / "main.ilo"
    main.write_text('use "lib.ilo"\nf>t;h 1\n')
    program, front = imports.load_program(SourceFile(str(main), main.read_text()))
    assert front == []
    found = verify_mod.verify(program)
    assert [(d.code, d.notes) for d in found] == [("ILO-T008", ["in function 'h'"])]
    assert found[0].source == "h x:n>t;x\n" and found[0].path.endswith("lib.ilo")
    assert (found[0].start, found[0].end) == (8, 9)


def test_resolve_type_expands_nested_aliases():
    program = parse("alias row L n\nalias grid L row\nf>n;1")
    assert verify_mod.resolve_type(program, TNamed("grid")) == TList(TList(NUM))
    assert verify_mod.expand_alias(program, TNamed("k")) == ANY
