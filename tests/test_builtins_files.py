"""File and environment builtins (builtins.md §17)."""

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.builtins.files import split_lines
from ilo_runtime.errors import IloRuntimeError
from ilo_runtime.values import Err, Ok, Record

B = BUILTINS


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_split_lines():
    assert split_lines("") == []
    assert split_lines("a\r\nb\n") == ["a", "b"]
    assert split_lines("a\u2028b\rc") == ["a\u2028b\rc"]
    assert split_lines("\n\n") == ["", ""]
    assert split_lines("a\r") == ["a\r"]


def test_write_and_read_text(cwd):
    assert B["wr"]("t.txt", "héllo\n") == Ok("t.txt")
    assert B["rd"]("t.txt") == Ok("héllo\n")
    assert B["rd"]("t.txt", "raw") == Ok("héllo\n")
    assert B["rdl"]("t.txt") == Ok(["héllo"])
    assert B["wrl"]("l.txt", ["a", "b"]) == Ok("l.txt")
    assert (cwd / "l.txt").read_text() == "a\nb\n"


def test_os_errors_are_returned(cwd):
    assert B["rd"]("missing.txt") == Err("No such file or directory (os error 2)")
    assert B["rdl"]("missing.txt") == Err("No such file or directory (os error 2)")
    assert B["wr"]("no/such/dir/x", "a") == Err("No such file or directory (os error 2)")
    (cwd / "bad.txt").write_bytes(b"\xff\xfe")
    assert B["rd"]("bad.txt") == Err("stream did not contain valid UTF-8")
    with pytest.raises(IloRuntimeError) as info:
        B["rdjl"]("missing.jl")
    assert info.value.message == (
        "rdjl failed to read 'missing.jl': No such file or directory (os error 2)"
    )


def test_csv_read_and_write(cwd):
    (cwd / "g.CSV").write_text('a,"b""c","d,e"\n\nx\r\n')
    assert B["rd"]("g.CSV") == Ok([["a", 'b"c', "d,e"], [""], ["x"]])
    assert B["rdb"]("", "csv") == Ok([])
    assert B["rdb"]("a\tb", "tsv") == Ok([["a", "b"]])
    rows = [["x", "y,z", 'q"'], [1.0, None, True]]
    assert B["wr"]("o.csv", rows, "csv") == Ok("o.csv")
    assert (cwd / "o.csv").read_text() == 'x,"y,z","q"""\n1,,true\n'
    recs = [Record("p", {"b": 1.5, "a": "x"}), {"a": 2.0}]
    B["wr"]("r.tsv", recs, "tsv")
    assert (cwd / "r.tsv").read_text() == "a\tb\nx\t1.5\n2\t\n"


def test_json_read_and_write(cwd):
    data = {"b": [1.0, float("nan"), None], "a": {}, 1: Record("p", {"x": 1.0}), "c": Ok(2.0)}
    B["wr"]("d.json", data, "json")
    assert (cwd / "d.json").read_text() == (
        '{\n  "1": "p {x: 1}",\n  "a": {},\n  "b": [\n    1.0,\n    null,\n    null\n  ],\n'
        '  "c": "~2"\n}'
    )
    r = B["rd"]("d.json")
    assert type(r) is Ok and r.value.type_name == "json"
    (cwd / "bad.json").write_text("{")
    assert B["rd"]("bad.json") == Err("EOF while parsing an object at line 1 column 1")
    (cwd / "x.jl").write_text('{"a":1}\n\n  \nnull\n')
    out = B["rdjl"]("x.jl")
    assert len(out) == 3 and out[1] == Err("EOF while parsing a value at line 1 column 2")
    assert out[2] == Ok(None)


def test_write_errors(cwd):
    with pytest.raises(IloRuntimeError) as info:
        B["wr"]("x", [], "xml")
    assert info.value.message == "wr: unknown format 'xml', expected csv, tsv, or json"
    with pytest.raises(IloRuntimeError) as info:
        B["wrl"]("x", ["a", 1.0])
    assert info.value.code == "ILO-R009"


def test_env(monkeypatch):
    monkeypatch.setenv("ILO_TEST_VAR", "v1")
    monkeypatch.delenv("ILO_TEST_MISSING", raising=False)
    assert B["env"]("ILO_TEST_VAR") == Ok("v1")
    assert B["env"]("ILO_TEST_MISSING") == Err("env var 'ILO_TEST_MISSING' not set")
