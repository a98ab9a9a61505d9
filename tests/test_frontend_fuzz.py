"""The front end never raises: random bytes, random token soup and mutated corpus programs
always give a program or coded diagnostics."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ilo_aot.frontend import ast as A
from ilo_aot.frontend.imports import load_program
from ilo_aot.frontend.parser import parse_source

CORPUS = Path(os.environ.get("ILO_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
CORPUS_TEXTS = (
    [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.ilo"))][:120] if CORPUS.is_dir() else []
)
SAMPLES = CORPUS_TEXTS or [
    "f x:n>n;+x 1",
    "type pt{x:n;y:n} g p:pt>n;{x;y}=p;+x y",
    "f xs:L n>n;s=0;@x xs{s=+s x};?s{0:1;_:s}",
    "k lim:n>L n;flt (v:n>b;>v lim) [1 2 3]",
]

TOKENS = [
    "f",
    "g",
    "x",
    "xs",
    "n",
    "t",
    "b",
    "L",
    "R",
    "O",
    "M",
    "S",
    "F",
    "_",
    "1",
    "-1",
    "2.5",
    '"a"',
    "true",
    "nil",
    ">",
    "<",
    ">=",
    "=",
    "==",
    "!=",
    "+",
    "-",
    "*",
    "/",
    "&",
    "|",
    "+=",
    "!",
    "!!",
    "~",
    "^",
    "?",
    "??",
    "@",
    ">>",
    ":",
    ";",
    ".",
    ".?",
    "..",
    ",",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "$",
    "\n",
    "\n  ",
    " ",
    "wh",
    "ret",
    "brk",
    "cnt",
    "type",
    "tool",
    "use",
    "alias",
    "with",
    "len",
    "map",
    "fmt",
    "mmap",
    "rnd",
    "if",
    "fn",
]

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(text: str, path: str | None = None) -> None:
    src = A.SourceFile(path, text)
    for program, diags in (parse_source(src), load_program(src)):
        assert isinstance(program, A.Program)
        for d in diags:
            assert d.message
            assert d.code is not None or d.severity == "warning"
            d.to_json()  # must render
        errors = [d for d in diags if d.severity == "error"]
        assert len(errors) <= 20 + 1


@FAST
@given(st.binary(max_size=200))
def test_random_bytes(data: bytes) -> None:
    check(data.decode("utf-8", "replace"))


@FAST
@given(st.text(max_size=200))
def test_random_text(text: str) -> None:
    check(text)


@FAST
@given(st.lists(st.sampled_from(TOKENS), max_size=60), st.booleans())
def test_random_token_sequences(toks: list[str], spaced: bool) -> None:
    check((" " if spaced else "").join(toks))


@FAST
@given(
    st.sampled_from(SAMPLES),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 6), st.sampled_from(TOKENS)), max_size=4),
)
def test_mutated_corpus_programs(text: str, edits: list[tuple[int, int, str]]) -> None:
    for pos, cut, insert in edits:
        at = pos % (len(text) + 1)
        text = text[:at] + insert + text[at + cut :]
    check(text, path="/nonexistent-dir/prog.ilo")
