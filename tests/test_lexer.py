"""Layout pre-pass, lexer and lexical errors (language.md §1, diagnostics.md §3-§5)."""

from __future__ import annotations

import json

import pytest

from ilo_aot.frontend.ast import SourceFile
from ilo_aot.frontend.layout import layout
from ilo_aot.frontend.lexer import LexError, tokenize
from ilo_aot.frontend.parser import parse_source


def names(src: str) -> list[str]:
    return [t.name() for t in tokenize(src)[:-1]]


def lex_error(src: str) -> LexError:
    with pytest.raises(LexError) as info:
        tokenize(src)
    return info.value


# ---------------------------------------------------------------- layout pre-pass


@pytest.mark.parametrize(
    ("src", "out"),
    [
        ("f>n\n  a=1\n  b", "f>n;a=1;b"),  # indented continuation -> ;
        ("f>n{\n  a\n}", "f>n{a}"),  # after { no ;, \n} at column 0 deleted
        ("g>n\n  >n 0{\n    x\n  }\n  n\n", "g>n;>n 0{x};n\n"),  # ; before an indented } removed
        ("f>n\n  a=1\n\n  b", "f>n;a=1\n;b"),  # blank line keeps a boundary, then ;
        ("f>n\n  a=1\n  -- c\n\n  b", "f>n;a=1;\n;b"),  # comment line + blank line -> ;;
        ("f>n\n  a=1; \n  b", "f>n;a=1; ;b"),  # blanks after ; defeat the second test
        ("f>n\n  x\n  >>g", "f>n;x>>g"),  # continuation starting with >> joins
        ("f>L n;[1\n    2]\n", "f>L n;[1 2]\n"),  # inside brackets a break is a space
        ('f>t;"a\n  b" -- c\n', 'f>t;"a\n  b" \n'),  # texts verbatim, comments dropped
        ("a>n;1\nb>n;2", "a>n;1\nb>n;2"),  # column-0 line: declaration boundary
        ("f>n;1 -- no newline", "f>n;1 -- no newline"),  # no \n: no rewriting at all
    ],
)
def test_layout_rewrites(src: str, out: str) -> None:
    assert layout(src).text == out


def test_layout_offsets_map_back_to_source_bytes() -> None:
    src = "é>n\n  x"
    lay = layout(src)
    assert lay.text == "é>n;x"
    # `é` is two bytes; the `;` comes from the `\n` at byte 4; `x` is at byte 7.
    assert lay.offsets == [0, 2, 3, 4, 7, 8]


def test_token_end_is_offset_of_next_output_character() -> None:
    # diagnostics.md §3: `0` ends at the `}` when the break before it was removed.
    src = "g n:n>n\n  >n 0{\n    x=/1 0\n  }\n  n\n"
    toks = tokenize(src)
    zero = [t for t in toks if t.name() == "Number(0.0)"][-1]
    assert src.encode()[zero.end : zero.end + 1] == b"}"
    semi = [t for t in toks if t.kind == "Semi"][0]
    assert src.encode()[semi.start : semi.start + 1] == b"\n"
    assert src.encode()[semi.end : semi.end + 1] == b">"


# ---------------------------------------------------------------- tokens


def test_keywords_and_longest_match() -> None:
    assert names("nil nils type-x with") == ["Nil", 'Ident("nils")', 'Ident("type-x")', "With"]
    assert names(">= <= != += >> ?? !! .. .? ==") == [
        "GreaterEq",
        "LessEq",
        "NotEq",
        "PlusEq",
        "PipeOp",
        "NilCoalesce",
        "BangBang",
        "DotDot",
        "DotQuestion",
        "Eq",
    ]


def test_hyphenated_identifiers() -> None:
    assert names("x-1 best-d get-many a--b") == [
        'Ident("x-1")',
        'Ident("best-d")',
        'Ident("get-many")',
        'Ident("a")',
    ]


def test_sigils_split_from_letters() -> None:
    assert names("xs:Ln") == ['Ident("xs")', "Colon", "ListType", 'Ident("n")']
    assert names("Foo=1") == ["FnType", 'Ident("oo")', "Eq", "Number(1.0)"]


def test_numbers() -> None:
    assert names("1. 2E-3 007 1e5") == [
        "Number(1.0)",
        "Dot",
        "Number(0.002)",
        "Number(7.0)",
        "Number(100000.0)",
    ]
    assert names(".5") == ["Dot", "Number(5.0)"]


def test_text_escapes() -> None:
    tok = tokenize(r'"a\n\t\"\\\/\q"')[0]
    assert tok.value == 'a\n\t"\\/\\q'


def test_negative_literal_split_depends_on_previous_token() -> None:
    assert names("-1 x")[:2] == ["Minus", "Number(1.0)"]  # at the start
    assert names("a=-3")[2:] == ["Minus", "Number(3.0)"]  # after =
    assert names("f;-3")[2:] == ["Minus", "Number(3.0)"]  # after ;
    assert names("{-1:")[1:3] == ["Minus", "Number(1.0)"]  # after {
    assert names("(-1)")[1:3] == ["Minus", "Number(1.0)"]  # after (
    assert names("+x -1")[2:] == ["Number(-1.0)"]  # after an identifier
    assert names("[-2 1]")[1] == "Number(-2.0)"  # after [
    assert names("a\n-1")[1:3] == ["Minus", "Number(1.0)"]  # after a boundary


def test_dot_number_split_and_field_names() -> None:
    assert names("xs.0.1") == ['Ident("xs")', "Dot", "Number(0.0)", "Dot", "Number(1.0)"]
    assert names("r.type r.L r.user_name r.URL r.?baseSeverity")[2::3] == [
        'Ident("type")',
        'Ident("L")',
        'Ident("user_name")',
        'Ident("URL")',
        'Ident("baseSeverity")',
    ]


def test_comments() -> None:
    assert names("a --x 1") == ['Ident("a")']


# ---------------------------------------------------------------- lexical errors


def test_l001_characters() -> None:
    for src, bad in [("a # b", "#"), ("a ` b", "`"), ("x é", "é"), ("a\r\nb", "\r"), ("a Q", "Q")]:
        err = lex_error(src)
        assert err.code == "ILO-L001"
        assert err.message == f"unexpected token '{bad}'"
        assert err.suggestion == f"Unexpected character(s): '{bad}'"
        assert err.end - err.start == len(bad.encode())


def test_l001_unterminated_text_reports_the_opening_quote() -> None:
    err = lex_error('f>t;"abc')
    assert (err.code, err.start, err.end) == ("ILO-L001", 4, 5)


def test_l001_word_operators() -> None:
    err = lex_error("f a:b b:b>b;a AND b")
    assert err.message == "unexpected token 'AND'"
    assert err.suggestion == "`AND` is not an ilo keyword. ilo uses `&` (single `&` for logical and)"
    assert (
        lex_error("x OR y").suggestion
        == "`OR` is not an ilo keyword. ilo uses `|` (single `|` for logical or)"
    )
    # after `:` `O R` is a type
    assert names("x:OR n t")[2:4] == ["OptType", "ResultType"]


def test_l002_underscores() -> None:
    err = lex_error("f>n;my_x_y=1")
    assert (err.code, err.message) == ("ILO-L002", "unexpected token 'my_x_y'")
    assert err.suggestion == "underscores are not allowed in identifiers; use hyphens (e.g. `my-x-y`)"
    assert names("r.user_name")[-1] == 'Ident("user_name")'


def test_l003_capitals_with_also_found_list() -> None:
    err = lex_error('f>n;myVar=1;"yourVal" -- theirThing, r.okName\n')
    assert err.code == "ILO-L003"
    assert (err.start, err.end) == (4, 9)
    assert err.suggestion == (
        "identifiers must be lowercase ASCII; got 'myVar' (capital 'V' at offset 2). Use lowercase, "
        "e.g. `my-var` or `myvar`. Also found in this file: yourVal, theirThing"
    )


def test_l003_more_than_five() -> None:
    words = " ".join(f"a{c}B" for c in "cdefghi")
    err = lex_error("xY " + words)
    assert err.suggestion is not None and err.suggestion.endswith("acB, adB, aeB, afB, agB (+2 more)")


def test_l003_leading_capital_splits() -> None:
    err = lex_error("MyX")
    assert err.message == "unexpected token 'yX'"
    assert "capital 'X' at offset 1" in err.suggestion


def test_lexer_error_is_one_json_diagnostic() -> None:
    _, diags = parse_source(SourceFile(None, "f>n;a # b # c"))
    assert len(diags) == 1
    assert json.loads(diags[0].to_json()) == {
        "code": "ILO-L001",
        "labels": [{"col": 7, "end": 7, "line": 1, "message": "here", "primary": True, "start": 6}],
        "message": "unexpected token '#'",
        "notes": [],
        "severity": "error",
        "suggestion": "Unexpected character(s): '#'",
    }
