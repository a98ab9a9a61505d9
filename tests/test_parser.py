"""Parser rules (language.md §2-§5) and parse diagnostics (diagnostics.md §6)."""

from __future__ import annotations

import json

import pytest

from ilo_aot.frontend import ast as A
from ilo_aot.frontend.ast import SourceFile
from ilo_aot.frontend.ast_dump import ast_to_json, to_sexpr
from ilo_aot.frontend.parser import parse_source
from ilo_aot.frontend.types import NUM, TEXT, TFn, TList, TNamed, TOpt, TResult, TSum


def parse(src: str) -> tuple[A.Program, list]:
    return parse_source(SourceFile(None, src))


def decls(src: str) -> list[str]:
    program, diags = parse(src)
    assert diags == [], [d.to_json() for d in diags]
    return [to_sexpr(d) for d in program.decls]


def body(src: str, index: int = 0) -> str:
    """The body of declaration `index` (no errors allowed)."""
    program, diags = parse(src)
    assert diags == [], [d.to_json() for d in diags]
    decl = program.decls[index]
    assert isinstance(decl, A.FnDecl)
    return to_sexpr(decl.body)


def errors(src: str) -> list[tuple[str, str]]:
    _, diags = parse(src)
    return [(d.code, d.message) for d in diags]


def first_error(src: str) -> dict:
    _, diags = parse(src)
    assert diags, "expected a diagnostic"
    return json.loads(diags[0].to_json())


# ---------------------------------------------------------------- prefix operators, minus


@pytest.mark.parametrize(
    ("src", "tree"),
    [
        ("f v:n>n;-3 v", "[(- 3 v)]"),  # negative-literal split at statement start
        ("f x:n>n;+x -1", "[(+ x -1)]"),  # stays a literal after an identifier
        ("f x:n>n;a=-3", "[(let a (neg 3))]"),
        ("f>L n;[-2 1]", "[(list -2 1)]"),
        ("f p:n q:n r:n>n;+*p q r", "[(+ (* p q) r)]"),
        ("f p:n q:n r:n>n;*p +q r", "[(* p (+ q r))]"),
        ("f a:n b:n c:n>n;/-a b c", "[(/ (- a b) c)]"),
        ("f x:n>n;- -x 1", "[(neg (- x 1))]"),
        ("f v:n>n;- 0 v", "[(- 0 v)]"),
        ("f x:n>n;-x", "[(neg x)]"),
        ("f xs:L n>n;>len xs 0", "[(> (len xs) 0)]"),  # table name in an operator expands
        ("f xs:L n>n;+1 max xs", "[(+ 1 (max xs))]"),
        ("f>n;+1 len", "[(+ 1 len)]"),  # nothing operand-like after it: a plain name
        ("f x:n>n;+p q * 2", None),  # infix after a prefix expression is left unparsed
    ],
)
def test_prefix_operators(src: str, tree: str | None) -> None:
    if tree is None:
        assert errors(src)
    else:
        assert body(src) == tree


def test_minus_operands_do_not_expand_calls() -> None:
    # `-len xs 1` is `len - xs` then a stray 1 (ends the body: P001)
    assert errors("f xs:L n>n;-len xs 1") == [("ILO-P001", "expected declaration, got Number(1.0)")]


# ---------------------------------------------------------------- calls


@pytest.mark.parametrize(
    ("src", "tree"),
    [
        ("g a:n b:n>n;a f x:n>n;g x 1", "[(g x 1)]"),  # top-level call is greedy
        ("f x:n>n;g x - 1", "[(- (g x) 1)]"),  # infix failing the prefix scan ends the call
        ("f x:n>n;g x - 1 2", "[(g x (- 1 2))]"),  # passing the scan starts an argument
        ("f x:n>n;x>0 1", "[(x (> 0 1))]"),
        ("f xs:L n>n;hd tl xs", "[(hd (tl xs))]"),  # nested calls capped at their arity
        ("f xs:L n>n;str len xs", "[(str (len xs))]"),
        ("f>n;prnt len", "[(prnt (len))]"),  # nested table name takes even zero args
        ("f xs:L n>n;prnt take 2 xs", "[(prnt take 2 xs)]"),  # take is not in the table
        ("f xs:L n>L n;map str xs", "[(map str xs)]"),  # function slot: plain operand
        ('f x:n>t;prnt fmt "{}-{}" x x', '[(prnt (fmt "{}-{}" x x))]'),
        ("f s:t>n;num! trm s", "[(num! (trm s))]"),
        ("f x:n>n;g! x - 1", "[(g! x (neg 1))]"),
        ("f>n;g!()", "[(g!)]"),
        ("f>n;k()", "[(k)]"),
        ('f m:_>_;??mget m "k" 0', '[(?? (mget m "k") 0)]'),
        ("f x:n>n;x>>g>>h 1", "[(h 1 (g x))]"),
        ("f x:n>n;x>>g!>>h", "[(h (g! x))]"),
        ("f xs:L n>n;length xs", "[(len xs)]"),  # long alias in call position
        ("f>n;length=1;length", "[(let length 1) length]"),  # elsewhere a name
        ("f xs:L n>n;xs>>length", "[(len xs)]"),
        ("f g:F n n x:n>n;(g) x", "[(g x)]"),  # a parenthesised name is a callee
        ("f>n;r=rnd;n=now()", "[(let r (rnd)) (let n (now))]"),
        ("f>n;+rnd 1", "[(+ rnd 1)]"),
        ("f u:_ h:_>_;u??h x", "[(u (?? h x))]"),
    ],
)
def test_calls(src: str, tree: str) -> None:
    assert body(src, -1) == tree


def test_user_functions_enter_the_table_only_after_their_header() -> None:
    # dbl is declared earlier: nested-call expansion applies; half is declared later: it does not
    src = "dbl x:n>n;*x 2 f x:n>n;+dbl x 1 half x:n>n;/x 2"
    assert body(src, 1) == "[(+ (dbl x) 1)]"
    src = "f x:n>n;+half x 1 half x:n>n;/x 2"
    assert errors(src)  # `+half x` then a stray `1`


def test_fmt_in_an_earlier_slot_is_p018() -> None:
    err = first_error('f>n;mod fmt "{}" 1 2')
    assert err["code"] == "ILO-P018"
    assert err["message"] == "`fmt` must be the last argument to `mod`; wrap in parens to use it earlier"
    assert err["suggestion"] == (
        "`mod` expects 2 args and `fmt` is at slot 0 of 2. Either move `fmt` to the last position, or "
        'write `(fmt "..." ...)` so its args are grouped.'
    )


def test_mmap_is_always_a_zero_argument_call() -> None:
    assert errors("f>n;mmap 1") == [("ILO-P001", "expected declaration, got Number(1.0)")]
    assert body('f>_;m=mset mmap "k" 1') == '[(let m (mset (mmap) "k" 1))]'


def test_header_stops_greedy_call() -> None:
    assert decls("dbl x:n>n;*x 2 main>n;dbl 4") == ["dbl x:n>n [(* x 2)]", "main >n [(dbl 4)]"]
    # `len xs > 0`: `xs >` looks like a header, so `len` stays a plain name
    assert errors("f xs:L n>n;r=len xs > 0")[0][0] == "ILO-P007"


def test_prefix_scan_failures() -> None:
    assert errors("f x:n>n;x + k()")  # `+ k ()` scans as two items
    assert body("f p:_>n;g 1 + p.x") == "[(+ (g 1) (.x p))]"


# ---------------------------------------------------------------- lists


@pytest.mark.parametrize(
    ("src", "tree"),
    [
        ("f a:n>L n;[a - 1]", "[(list (- a 1))]"),
        ("f a:n b:n>L n;[a -b 3]", "[(list (- a b) 3)]"),
        ("f>L n;[1 +2 3]", "[(list (+ 1 2) 3)]"),
        ("f a:n>L n;[a > 2 3]", "[(list (> a 2) 3)]"),
        ("f a:n>L n;[a -2]", "[(list a -2)]"),
        ("f a:n b:n c:n>L n;[a b c]", "[(list a b c)]"),  # no greedy calls
        ("f xs:L n>L n;[at xs 0 at xs 1]", "[(list (at xs 0) (at xs 1))]"),
        ("f a:n b:n>L t;[str a str b]", "[(list (str a) (str b))]"),
        ("f xs:L n>L n;[len xs, g xs 1]", "[(list (len xs) (g xs 1))]"),  # comma mode
        ("f>L n;[1, 2,]", "[(list 1 2)]"),
        ("f>L n;[]", "[(list)]"),
        ('f k:t>L n;[?<k "a" 1 -1]', '[(list (?: (< k "a") 1 -1))]'),
    ],
)
def test_lists(src: str, tree: str) -> None:
    assert body(src) == tree


def test_semicolon_in_list_is_p009() -> None:
    err = first_error("f>L n;[1;2]")
    assert err["message"] == "`;` is not a list separator inside `[...]`"


# ---------------------------------------------------------------- guards and conditionals


@pytest.mark.parametrize(
    ("src", "tree"),
    [
        ("f x:n>n;>x 0{1};2", "[(if (> x 0) [1]) 2]"),
        ("f x:n>n;>x 0 1;2", "[(guard (> x 0) 1) 2]"),
        ("f x:n>n;!>x 0 1;2", "[(guard! (> x 0) 1) 2]"),
        ("f x:n>n;>x 0{1}{2}", "[(if (> x 0) [1] [2])]"),
        ("f c:b>n;!c{1}", "[(if! c [1])]"),
        ("f x:n>n;x==7;x", "[(let x 7) x]"),
        ("f x:n>n;>x 0", "[(> x 0)]"),  # a lone comparison is an expression
        ("f xs:L n>b;!has xs 3", "[(not (has xs 3))]"),
        ("f x:n>n;v=>x 0{prnt 1;2}{3};v", "[(let v (?: (> x 0) 2 3)) v]"),
        ("f x:n>n;v=>x 0{prnt 3;7};v", "[(if (> x 0) [(prnt 3) (let v 7)]) v]"),
        ("f x:n>n;v=>x 0{ret 1}{2};v", "[(let v (?: (> x 0) nil 2)) v]"),
        ("f x:n>n;?=x 0 1 2", "[(?: (= x 0) 1 2)]"),
        ('f xs:L n>t;?=len xs 0 "e" "n"', '[(?: (= (len xs) 0) "e" "n")]'),
        ("f x:b>n;?x{1}{2}", "[(?: x 1 2)]"),
        ("f x:b>n;?x 1 2", "[(?: x 1 2)]"),
        ("f x:n>n{y=x;y>0{ret 1};0}", "[(let y x) (if (> y 0) [(ret 1)]) 0]"),
    ],
)
def test_conditionals(src: str, tree: str) -> None:
    assert body(src) == tree


def test_bound_ternary_needs_a_guard_eligible_condition() -> None:
    assert errors("f c:b>n;v=c{1}{2}") == [("ILO-P001", "expected declaration, got LBrace")]


def test_braceless_guard_with_a_call_is_p016() -> None:
    err = first_error("f x:n>n;>x 0 abs x")
    assert (err["code"], err["message"]) == ("ILO-P016", "unexpected token after braceless guard body")
    assert err["suggestion"] == "function calls in braceless guards need braces: >=cond val{func args}"


def test_bang_at_expression_start_takes_an_operand() -> None:
    # `r=!has xs 3` negates the bare name `has`; `xs 3` is stray
    program, diags = parse("f xs:L n>n;r=!has xs 3")
    assert diags
    assert to_sexpr(program.decls[0].body) == "[(let r (not has))]"  # type: ignore[attr-defined]


# ---------------------------------------------------------------- match


@pytest.mark.parametrize(
    ("src", "tree"),
    [
        ('f x:n>t;?x{0:"z";n v:"n";_:"o"}', '[(match x 0:["z"] n v:["n"] _:["o"])]'),
        ("f r:R n t>n;?r{~v:v;^e:0}", "[(match r ~v:[v] ^e:[0])]"),
        ("f r:R n t>n;?r{~_:1;^_:0}", "[(match r ~_:[1] ^_:[0])]"),
        ("f>n;?{nil:1;_:2}", "[(match - nil:[1] _:[2])]"),
        ('f s:t>b;?s{"red":true;"blue":false}', '[(match s "red":[true] "blue":[false])]'),
        ("f x:n>n;?(abs x){0:1;_:2}", "[(match (abs x) 0:[1] _:[2])]"),
        ("f r:_>n;?r.kind{1:2;_:3}", "[(match (.kind r) 1:[2] _:[3])]"),
        ("f x:n>n;?x{1:a=2;a;_:3}", "[(match x 1:[(let a 2) a] _:[3])]"),
        ("f x:n>n;?x{1:{a=2;a};_:3}", "[(match x 1:[(let a 2) a] _:[3])]"),
        ("f x:_>n;?x{t s:1;l xs:2;b q:3;true:4}", "[(match x t s:[1] l xs:[2] b q:[3] true:[4])]"),
    ],
)
def test_match(src: str, tree: str) -> None:
    assert body(src) == tree


def test_match_errors() -> None:
    err = first_error("f x:n>n;?x{+x 1}")
    assert err["code"] == "ILO-P011"
    assert err["message"] == "`?x{...}` is match syntax — the body is parsed as pattern arms, not statements"
    assert err["suggestion"] == (
        "for braced-conditional execution on a bool, use `=x true{body}` (or `!x{body}` for the negated case)"
    )
    assert errors("f x:n>n;?(abs x){-1:0}") == [("ILO-P011", "expected pattern, got Minus")]


# ---------------------------------------------------------------- loops, ret, brk, cnt


@pytest.mark.parametrize(
    ("src", "tree"),
    [
        ("f xs:L n>n;@x xs{prnt x}", "[(each x xs [(prnt x)])]"),
        ("f ws:L t>n;@w rev ws{prnt w}", "[(each w (rev ws) [(prnt w)])]"),
        ("f xs:L n>n;@j 0..len xs{prnt j}", "[(range j 0 (len xs) [(prnt j)])]"),
        ("f k:n n:n>n;@j +k 1..n{cnt}", "[(range j (+ k 1) n [(cnt)])]"),
        ("f>n;wh true{brk}", "[(wh true [(brk)])]"),
        ("f>n;@i 0..3{brk i}", "[(range i 0 3 [(brk i)])]"),
        ("f>n;ret 5", "[(ret 5)]"),
    ],
)
def test_loops(src: str, tree: str) -> None:
    assert body(src) == tree


def test_bare_brk_must_end_its_block() -> None:
    assert errors("f>n;@i 0..3{brk;i}") == [("ILO-P009", "expected expression, got Semi")]


def test_loop_without_brace_suggests_single_line() -> None:
    err = first_error("f xs:L n>n;@x xs;prnt x")
    assert err["message"] == "expected LBrace, got Semi"
    assert err["suggestion"].startswith("ilo bodies are single-line")


# ---------------------------------------------------------------- records, fields, results


def test_records_fields_and_destructuring() -> None:
    src = "type pt{x:n;y:n} f a:n>pt;pt x:a y:(+a 1) g p:pt>n;{x;y}=p;+x y h p:pt>pt;p with y:5"
    assert decls(src) == [
        "type pt x:n y:n",
        "f a:n>pt [(new pt x:a y:(+ a 1))]",
        "g p:pt>n [(destructure x y p) (+ x y)]",
        "h p:pt>pt [(with p y:5)]",
    ]
    assert body("g p:pt>n{x;y}=p;+x y") == "[(destructure x y p) (+ x y)]"


def test_field_chains_and_index_rewrite() -> None:
    assert body("f xs:L n>n;xs.0.1") == "[(.1 (.0 xs))]"
    assert body("f o:_>_;o.?items.?0.name") == "[(.name (.?0 (.?items o)))]"
    assert body("f xs:L n i:n>n;xs.i") == "[(at xs i)]"  # bound variable: index
    assert body("type r{i:n} f xs:_ i:n>n;xs.i", 1) == "[(.i xs)]"  # a record field name stays
    assert body("f xs:_>n;xs.i") == "[(.i xs)]"  # not bound: a field


def test_results_and_coalesce() -> None:
    assert body("f xs:L n>R n t;~len xs") == "[(ok (len xs))]"
    assert body("f xs:L n>n;prnt ~len xs") == "[(prnt (ok len) xs)]"
    assert body("f x:O n>n;x??0") == "[(?? x 0)]"
    assert body('f>R n t;^"bad"') == '[(err "bad")]'


# ---------------------------------------------------------------- lambdas


def test_lambda_lifting_and_captures() -> None:
    assert decls("keep-big vs:L n lim:n>L n;flt (v:n>b;>v lim) vs") == [
        "keep-big vs:L n lim:n>L n [(flt (fn __lit_0 lim) vs)]",
        "__lit_0 v:n>b [(> v lim)] captures=lim",
    ]
    # an assignment in the body does not stop an earlier read from being a capture
    assert decls("f>n;s=10;map (x:n>n;s=+s x;s) [1 2]")[1] == "__lit_0 x:n>n [(let s (+ s x)) s] captures=s"
    # bound earlier in its body: not a capture; table names and `_` are not captures
    assert decls("f>n;map (x:n>n;y=1;+y x) [1]")[1].endswith("captures=")
    assert decls("f>n;map (x:n>n;len) [1]")[1].endswith("captures=")


def test_inner_lambdas_get_smaller_numbers() -> None:
    out = decls("f>n;map (x:n>n;map (y:n>n;+x y) [1]) [2]")
    assert out == [
        "f >n [(map (fn __lit_1) (list 2))]",
        "__lit_0 y:n>n [(+ x y)] captures=x",
        "__lit_1 x:n>n [(map (fn __lit_0 x) (list 1))] captures=",
    ]


def test_zero_parameter_lambdas() -> None:
    assert decls("h>n;g=(>n;42);g()")[1] == "__lit_0 >n [42] captures="
    assert decls("f>_;(>x 0)")[1] == "__lit_0 >_ [0] captures="  # result type x, body 0
    assert body("f x:n>b;(>=x 1)") == "[(>= x 1)]"


def test_lambda_close_error() -> None:
    err = first_error("f>n;map (x:n>n;+x 1 k) xs")
    assert err["message"] == 'expected `)` to close inline lambda body, got Ident("k")'


# ---------------------------------------------------------------- declarations


def test_declarations_share_a_line_and_semicolon_absorption() -> None:
    assert decls("a>n;1;b>n;2") == ["a >n [1]", "b >n [2]"]
    assert errors("f>n{1};g>n;2") == [("ILO-P001", "expected declaration, got Semi")]
    assert errors("type p{x:n};f>n;1") == [("ILO-P001", "expected declaration, got Semi")]


def test_header_detection_after_semicolon() -> None:
    # `x>0{…}` after a `;` starts a new declaration (a function named x)
    program, diags = parse("f x:n>n;y=1;x>0{1}")
    assert to_sexpr(program.decls[0]) == "f x:n>n [(let y 1)]"
    assert [(d.code, d.message) for d in diags] == [("ILO-P007", "expected type, got Number(0.0)")]
    # `pt a:1` has no `>` before the next `;`: a record construction, not a header
    assert body("f>_;p=1;pt a:1 b:2;p") == "[(let p 1) (new pt a:1 b:2) p]"
    # inside a brace body the header test is not applied
    assert body("f x:n>n{y=x;y>0{ret 1};0}") == "[(let y x) (if (> y 0) [(ret 1)]) 0]"


def test_parameter_and_type_forms() -> None:
    program, diags = parse("f g:F n n xs:L (L n) c:S red blue r:R n t p:pt q:a>O n;1")
    assert diags == []
    fn = program.decls[0]
    assert isinstance(fn, A.FnDecl)
    assert [p.type for p in fn.params] == [
        TFn((NUM,), NUM),
        TList(TList(NUM)),
        TSum(("red", "blue")),
        TResult(NUM, TEXT),
        TNamed("pt"),  # records and aliases stay named
        TNamed("a"),  # a type variable
    ]
    assert fn.ret == TOpt(NUM)


def test_alias_tool_use() -> None:
    assert decls('alias pts L n tool get-usr"Fetch user" id:t>R _ t timeout:5,retry:2 use "x.ilo" [a b]') == [
        "alias pts L n",
        'tool get-usr "Fetch user"',
        "use \"x.ilo\" ['a', 'b']",
    ]


def test_multiline_program() -> None:
    src = "type pt{\n  x:n\n  y:n\n}\n-- c\nf p:pt>n\n  a=p.x\n  >a 0{\n    ret a\n  }\n  p.y\n"
    assert decls(src) == ["type pt x:n y:n", "f p:pt>n [(let a (.x p)) (if (> a 0) [(ret a)]) (.y p)]"]


# ---------------------------------------------------------------- spans


def test_statement_spans() -> None:
    src = "g n:n>n\n  >n 0{\n    x=/1 0\n  }\n  n\n"
    program, _ = parse(src)
    fn = program.decls[0]
    assert isinstance(fn, A.FnDecl)
    cond = fn.body[0]
    assert isinstance(cond, A.If)
    inner = cond.then[0]
    assert (inner.span.start, inner.span.end) == (src.index("x="), src.index("}"))
    assert (cond.span.start, cond.span.end) == (src.index(">n 0"), src.index("}") + 1)


def test_byte_offsets_after_non_ascii() -> None:
    program, _ = parse('f>t;a="é";+a b')
    fn = program.decls[0]
    assert isinstance(fn, A.FnDecl)
    last = fn.body[1]
    assert (last.span.start, last.span.end) == (11, 15)


# ---------------------------------------------------------------- parse errors and recovery


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("f>n;+1 2 3 4", [("ILO-P001", "expected declaration, got Number(3.0)")]),
        ("f x:>n", [("ILO-P007", "expected type, got Greater")]),
        ("len x:n>n;x", [("ILO-P011", "`len` is a builtin and cannot be used as a function name")]),
        ("f>n;!!x", [("ILO-P009", "expected expression, got BangBang")]),
        ("alias L n", [("ILO-P005", "expected identifier, got ListType")]),
        ("f>n;if x", [("ILO-P009", "expected expression, got KwIf")]),
        ("f>n;len=1", [("ILO-P011", "`len` is a builtin and cannot be used as a binding name")]),
        (
            "f>n;cnt=1",
            [
                (
                    "ILO-P011",
                    "`cnt` is reserved for continue (loop control) and cannot be used as an identifier",
                )
            ],
        ),
        ("f>n;let=1", [("ILO-P011", "`let` is a reserved word and cannot be used as an identifier")]),
        ("f>n;x={1 2}", [("ILO-P009", "`x={...}` — ilo has no `{key value}` map literal syntax")]),
        ("f>n;fn", [("ILO-P009", "`fn` is a reserved word and cannot start an expression")]),
        ("f>F;1", [("ILO-P009", "F type requires at least a return type")]),
        ("f>S;1", [("ILO-P010", "S type requires at least one variant")]),
        ("f>n;+1", [("ILO-P010", "expected expression, got EOF")]),
        ("f>n;+++a b", [("ILO-P003", "prefix chain `+++` needs 4 operands but found 2")]),
        ("f>n;=<a b", [("ILO-P003", "`=<` is not an ilo operator; compound prefix forms don't compose")]),
        ("f>n;&&a b", [("ILO-P003", "unexpected '&&': ilo uses single '&' for AND")]),
        ("f>n;||a b", [("ILO-P003", "unexpected '||': ilo uses single '|' for OR")]),
        ("f x:n->n;x", [("ILO-P003", "expected Greater, got Minus")]),
        (
            "tool t x:n>n",
            [
                ("ILO-P015", "expected tool description string"),
                ("ILO-P020", "incomplete function header for `n`: header runs off the end of the file"),
            ],
        ),
        ('tool t"d" x:n>n timeout:x', [("ILO-P013", 'expected number, got Ident("x")')]),
        ('tool t"d" x:n>n timeout:', [("ILO-P014", "expected number, got EOF")]),
        ("use 5", [("ILO-P016", "expected a string path after `use`, got Number(5.0)")]),
        ("use", [("ILO-P016", "expected a string path after `use`, got EOF")]),
        (
            'use "a.ilo" []',
            [("ILO-P016", "use `[...]` list must not be empty — omit brackets to import all")],
        ),
        ('use "a.ilo" [a', [("ILO-P016", "unclosed `[` in use statement")]),
        ("f x:n>n;?x{1:2;", [("ILO-P012", "expected pattern, got EOF")]),
        (
            "f x:n\ng>n;1",
            [("ILO-P020", "incomplete function header for `f`: header runs off the end of the line")],
        ),
        ("f x:n>\ng>n;1", [("ILO-P007", "expected type, got end of line")]),
        ("f x:", [("ILO-P008", "expected type, got end of file")]),
        (
            "f>n;- -*a b *c d",
            [
                (
                    "ILO-P021",
                    "ambiguous double-minus prefix-binop chain: parses as "
                    "`-((a OP1 b) - (c OP2 d))`, sign-flipping the second product vs the "
                    "natural reading `-(a OP1 b) - (c OP2 d)`",
                )
            ],
        ),
    ],
)
def test_parse_errors(src: str, expected: list[tuple[str, str]]) -> None:
    assert errors(src) == expected


def test_error_spans() -> None:
    assert first_error("f>n;+1")["labels"][0]["start"] == 5  # P010: the last token
    assert first_error("f>n;+1 2 3 4")["labels"][0] == {
        "col": 10,
        "end": 10,
        "line": 1,
        "message": "here",
        "primary": True,
        "start": 9,
    }
    p004 = first_error("f>L n;[1 2")
    assert p004["message"] == "expected RBracket, got EOF"
    assert (p004["labels"][0]["start"], p004["labels"][0]["end"]) == (0, 0)
    assert first_error("f x:n\ng>n;1")["labels"][0]["end"] == 1  # P020: the name
    p007 = first_error("f x:n>\ng>n;1")["labels"][0]
    assert (p007["start"], p007["end"]) == (5, 6)  # the token before the missing type
    assert first_error("f>n;+++a b")["labels"][0]["start"] == 4  # the chain's first operator


def test_p001_suggestions_and_recovery() -> None:
    program, diags = parse("if x:n>n;x")
    assert [d.code for d in diags] == ["ILO-P001"]
    assert diags[0].suggestion == "ilo uses match for conditionals: ?expr{true:... false:...}"
    assert [to_sexpr(d) for d in program.decls] == ["n >n [x]"]
    assert first_error("+a b")["suggestion"].startswith("prefix operators can't start a declaration")
    assert first_error("let x=1")["suggestion"] == "ilo uses assignment syntax: name = expr"


def test_recovery_keeps_later_declarations_and_suppresses_repeated_p001() -> None:
    program, diags = parse("f>n;+1 2 3 4 5;6 g>n{x=;1} h>n;7")
    assert [d.code for d in diags] == ["ILO-P001", "ILO-P009"]
    assert [getattr(d, "name", None) for d in program.decls] == ["f", "h"]


def test_at_most_twenty_errors() -> None:
    src = " ".join(f"f{i}>n;)" for i in range(30))
    _, diags = parse(src)
    assert len(diags) == 20


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    _, diags = parse("f>n;" + "(" * 3000 + "1" + ")" * 3000)
    assert diags and diags[0].code == "ILO-P009"
    _, diags = parse("f>n;" + "-" * 5000 + "1")
    assert diags


def test_ast_json_dump() -> None:
    program, _ = parse("f x:n>n;+x 1")
    data = json.loads(ast_to_json(program))
    assert data["declarations"][0]["name"] == "f"
    assert data["declarations"][0]["body"][0]["expr"]["op"] == "+"
