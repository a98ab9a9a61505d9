"""`ilo --explain CODE`: what an error code means and how to fix it."""

from __future__ import annotations

EXPLANATIONS: dict[str, str] = {
    "ILO-L001": "A character that starts no token: `#`, a backquote, `\\r` (CRLF line endings), "
    "non-ASCII outside text literals, an uppercase letter other than a type sigil, an "
    "unterminated text literal, or `AND`/`OR`/`NOT` (use `&`, `|`, `!`).",
    "ILO-L002": "Identifiers use hyphens, not underscores: write `my-x`, not `my_x`.",
    "ILO-L003": "Identifiers are lowercase ASCII: write `my-var` or `myvar`, not `myVar`.",
    "ILO-P001": "Expected a declaration (a function `name params>type;body`, `type`, `alias`, "
    "`tool` or `use`) at the top level.",
    "ILO-P003": "A specific token was required here (for example `>` before the return type, "
    "or a closing bracket).",
    "ILO-P004": "The input ended where a token was required.",
    "ILO-P005": "Expected an identifier.",
    "ILO-P007": "Expected a type: n t b _ L R F O M S, a record or alias name.",
    "ILO-P009": "Expected an expression.",
    "ILO-P010": "The input ended where an expression was required.",
    "ILO-P011": "A builtin or reserved name was used as a binding, function or pattern.",
    "ILO-P016": "A malformed `use` declaration, or a braceless guard body followed by more "
    "tokens (use braces: `cond{f args}`).",
    "ILO-P017": "`use` names a file that does not exist (paths are relative to the importing "
    "file), or `use` appears in inline code.",
    "ILO-P018": "A circular import, or `fmt` used as a non-last argument of a call.",
    "ILO-P019": "`use \"file\" [names]` lists a name the file does not declare.",
    "ILO-P020": "A function header runs off the end of its line: finish it on the same line.",
    "ILO-P021": "An ambiguous double-minus prefix chain; bind intermediate results.",
    "ILO-T001": "Duplicate type or alias definition.",
    "ILO-T002": "Duplicate function definition.",
    "ILO-T003": "Undefined type, or ternary branches with incompatible types.",
    "ILO-T004": "Undefined variable. Bind it before use; note `a-b` is one identifier.",
    "ILO-T005": "Undefined function, or a call of a local that is not a function.",
    "ILO-T006": "Wrong number of arguments in a call.",
    "ILO-T007": "An argument's type does not match the parameter's declared type.",
    "ILO-T008": "The body's type does not match the declared result type.",
    "ILO-T009": "Operands of `+ - * /` have incompatible types (use `str`/`num` to convert).",
    "ILO-T010": "Comparison operands must both be numbers or both be text.",
    "ILO-T011": "`+=` needs a list on the left and a matching element on the right.",
    "ILO-T012": "Negation needs a number.",
    "ILO-T013": "A builtin received an argument of the wrong type.",
    "ILO-T014": "A loop over something that is not a list, or a range with non-number bounds.",
    "ILO-T015": "Record construction is missing a field.",
    "ILO-T016": "Record construction names an unknown field.",
    "ILO-T017": "A record field has the wrong type.",
    "ILO-T018": "Field access on a value that is not a record.",
    "ILO-T019": "The record type has no such field.",
    "ILO-T020": "`with` on a value that is not a record.",
    "ILO-T021": "`with` names an unknown field.",
    "ILO-T022": "`with` gives a field a value of the wrong type.",
    "ILO-T023": "Index access on a value that is not a list.",
    "ILO-T024": "A match is not exhaustive: add the missing arms or a `_` arm.",
    "ILO-T025": "`!`/`!!` used on a call that returns neither a result nor an optional.",
    "ILO-T026": "`!` used in a function that does not return a result (or optional).",
    "ILO-T027": "A braceless guard returns a bare function name: use braces to call it.",
    "ILO-T028": "`brk`/`cnt` outside a loop.",
    "ILO-T029": "Warning: statements after `ret`/`brk` never run.",
    "ILO-T030": "Type aliases refer to each other in a cycle.",
    "ILO-T031": "A type alias named `n`, `t` or `b` shadows a builtin type.",
    "ILO-T032": "Warning: a `fmt` result is computed and discarded.",
    "ILO-T033": "Warning: a `+=`/`mset`/`mdel` result is discarded (values are immutable; "
    "rebind: `xs=+=xs v`).",
    "ILO-T034": "`!` applies to function calls, not to values: match on the value instead.",
    "ILO-R001": "Runtime: undefined variable.",
    "ILO-R002": "Runtime: undefined function (or a text naming no function was called).",
    "ILO-R003": "Runtime: division or modulo by zero.",
    "ILO-R004": "Runtime: an operator got operands it does not support, or a function got the "
    "wrong number of arguments.",
    "ILO-R005": "Runtime: field access on a non-record, or a missing field.",
    "ILO-R006": "Runtime: list index out of bounds, or index access on a non-list.",
    "ILO-R007": "Runtime: a loop over a non-list or a range with non-number bounds.",
    "ILO-R008": "Runtime: `with` on a non-record.",
    "ILO-R009": "Runtime: a builtin rejected its arguments (the message says how).",
    "ILO-R010": "Runtime: recursion depth exceeded (ilo-aot stops deep recursion cleanly).",
    "ILO-R012": "Runtime: arguments were given to a program without functions.",
    "ILO-R026": "Runtime: `!!` unwrapped an err or nil.",
}


def explain(code: str) -> str | None:
    """The explanation of `code` (`ILO-T004` or `T004`), or None if unknown."""
    key = code.upper()
    if not key.startswith("ILO-"):
        key = "ILO-" + key
    text = EXPLANATIONS.get(key)
    return None if text is None else f"{key}: {text}"
