"""`use` resolution (language.md §2.3, diagnostics.md §7) and source lints (§10.1, §10.3)."""

from __future__ import annotations

import json
from pathlib import Path

from ilo_aot.frontend import ast as A
from ilo_aot.frontend.ast_dump import to_sexpr
from ilo_aot.frontend.imports import load_program
from ilo_aot.frontend.lint import cross_language_warning, hints
from ilo_aot.frontend.parser import parse_source


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path) -> tuple[A.Program, list]:
    return load_program(A.SourceFile(str(path), path.read_text(encoding="utf-8")))


def test_use_splices_declarations_in_place(tmp_path: Path) -> None:
    write(tmp_path, "lib/m.ilo", 'dbl x:n>n;*x 2\nuse "n.ilo"\nsq x:n>n;*x x\n')
    write(tmp_path, "lib/n.ilo", "half x:n>n;/x 2\n")
    main = write(tmp_path, "main.ilo", 'a>n;1\nuse "lib/m.ilo"\nmain>n;dbl 4\n')
    program, diags = load(main)
    assert diags == []
    assert [d.name for d in program.decls] == ["a", "dbl", "half", "sq", "main"]  # type: ignore[attr-defined]
    sources = [Path(d.source.path).name for d in program.decls]  # type: ignore[union-attr]
    assert sources == ["main.ilo", "m.ilo", "n.ilo", "m.ilo", "main.ilo"]
    # imported functions are unknown to the importer's parser: no nested-call expansion
    program, _ = load(write(tmp_path, "p.ilo", 'use "lib/n.ilo"\nf n:n>n;+half n 1\n'))
    assert to_sexpr(program.decls[-1]) == "f n:n>n [(+ half n)]"


def test_use_with_names_and_lambdas(tmp_path: Path) -> None:
    write(tmp_path, "m.ilo", "a>n;1\nb xs:L n>L n;map (x:n>n;+x 1) xs\nc>n;3\n")
    program, diags = load(write(tmp_path, "main.ilo", 'use "m.ilo" [b]\nf>n;1\n'))
    assert diags == []
    assert [d.name for d in program.decls] == ["b", "__lit_0", "f"]  # type: ignore[attr-defined]


def test_import_errors(tmp_path: Path) -> None:
    write(tmp_path, "m.ilo", 'a>n;1\nuse "main.ilo"\n')
    main = write(tmp_path, "main.ilo", 'use "m.ilo" [a zz]\nuse "nope.ilo"\nf>n;1\n')
    _, diags = load(main)
    got = [json.loads(d.to_json()) for d in diags]
    assert [(d["code"], d["message"]) for d in got] == [
        ("ILO-P018", 'use "main.ilo": circular import'),
        ("ILO-P019", "use \"m.ilo\": name 'zz' not found in imported file"),
        ("ILO-P017", 'use "nope.ilo": file not found'),
    ]
    # no line/col: the label holds the whole `use` of the file where it was written
    assert got[2]["labels"] == [{"end": 33, "message": "imported here", "primary": True, "start": 19}]
    assert got[2]["notes"] == []


def test_use_in_inline_code() -> None:
    _, diags = load_program(A.SourceFile(None, 'use "m.ilo"\nf>n;1'))
    assert json.loads(diags[0].to_json()) == {
        "code": "ILO-P017",
        "labels": [{"end": 11, "message": "here", "primary": True, "start": 0}],
        "message": "`use` requires a file path context — not supported in inline code",
        "notes": [],
        "severity": "error",
    }


def test_import_errors_come_before_parse_errors(tmp_path: Path) -> None:
    write(tmp_path, "bad.ilo", "g>n;+1\n")
    main = write(tmp_path, "main.ilo", 'use "bad.ilo"\nf>n;)\n')
    _, diags = load(main)
    assert [d.code for d in diags] == ["ILO-P010", "ILO-P009"]
    assert diags[0].path is not None and diags[0].path.endswith("bad.ilo")


def test_lexer_error_stops_everything(tmp_path: Path) -> None:
    main = write(tmp_path, "main.ilo", 'use "nope.ilo"\nf>n;a && #\n')
    _, diags = load(main)
    assert [d.code for d in diags] == [None, "ILO-L001"]


def test_cross_language_warning() -> None:
    w = cross_language_warning('f a:b b:b>b;&&a b -- x || y\ng>t;"->"')
    assert w is not None
    assert json.loads(w.to_json()) == {
        "labels": [],
        "message": "source contains syntax from another language: '&&' — ilo uses '&' for AND",
        "notes": [],
        "severity": "warning",
    }
    w = cross_language_warning("f a:n>n;//a 2 1 x->y || z")
    assert w is not None and w.message.endswith(
        "'||' — ilo uses '|' for OR, '->' — ilo uses '>' for return type separator, '//' — ilo uses '--' for "
        "comments"
    )
    assert cross_language_warning('f>t;"a && b"') is None


def test_hints() -> None:
    src = 'f x:n>n;x==1;g=length [1];>x 0{^"neg"};*/x 2 3'
    program, _ = parse_source(A.SourceFile(None, src))
    assert hints(src, program) == [
        "hint: `==` → `=` saves 1 char (both mean equality in ilo)",
        "hint: `length` → `len` (canonical short form)",
        "hint: `*/a b c` parses as `(a/b)*c` (inner prefix op binds first). For the other order, swap the "
        "ops (`/*a b c`) or bind: `r=*a b;/r c`",
        'hint: `cond{^"err"}` and `cond{~v}` discard the body expression. For early-return use the braceless '
        'form `cond ^"err"` or wrap the body in `{ret ^"err"}`.',
    ]
    clean = "f x:n>n;+x 1"
    assert hints(clean, parse_source(A.SourceFile(None, clean))[0]) == []
    # `x -+` after a value is infix-ish, not a prefix pair
    src2 = 'f x:n>n;=x "=="'
    assert hints(src2, parse_source(A.SourceFile(None, src2))[0]) == []
