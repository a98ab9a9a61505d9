"""Declarations (language.md §2) and the program loop with error recovery
(diagnostics.md §6.3).
"""

from __future__ import annotations

from . import ast as A
from .builtin_names import BUILTIN_NAMES
from .parser_core import ParseError
from .parser_stmt import StmtParser
from .tokens import EOF, FRIENDLY_KEYWORDS, IDENT, NUMBER, TEXT, Token

MAX_ERRORS = 20

_PREFIX_OP_KINDS = frozenset(
    {
        "Plus",
        "Minus",
        "Star",
        "Slash",
        "Greater",
        "Less",
        "GreaterEq",
        "LessEq",
        "Eq",
        "NotEq",
        "Amp",
        "Pipe",
        "Bang",
        "Tilde",
        "Caret",
    }
)
_P020_SUGGESTION = (
    "a function header is `name params>type;body` — finish it on the same line, or indent the "
    "continuation so the parser keeps it inside this function"
)


def _p001_suggestion(tok: Token) -> str | None:
    kind = tok.kind
    if kind in _PREFIX_OP_KINDS:
        return "prefix operators can't start a declaration. Bind call results to variables: r=fac -n 1;*n r"
    if kind in ("KwFn", "KwDef") or (kind == IDENT and tok.value in ("function", "def", "fn")):
        return "ilo function syntax: name param:type > return-type; body"
    if kind in ("KwLet", "KwVar", "KwConst"):
        return "ilo uses assignment syntax: name = expr"
    if kind == "KwReturn":
        return "the last expression in a function body is the return value — no 'return' keyword"
    if kind == "KwIf":
        return "ilo uses match for conditionals: ?expr{true:... false:...}"
    return None


class DeclParser(StmtParser):
    """Declarations and the whole-program loop."""

    def parse_program(self) -> tuple[list[A.Decl], list[ParseError]]:
        """All declarations that parsed, lifted lambdas last, and at most 20 errors."""
        decls: list[A.Decl] = []
        lifted: list[A.FnDecl] = []
        errors: list[ParseError] = []
        suppress_p001 = False
        while not self.at(EOF) and len(errors) < MAX_ERRORS:
            start_pos = self.pos
            self.lambdas = []
            self.depth = 0
            try:
                decl = self.parse_decl()
            except ParseError as err:
                if err.code in ("ILO-P001", "ILO-P002"):
                    if not suppress_p001:
                        errors.append(err)
                    suppress_p001 = True
                else:
                    errors.append(err)
                self.recover(start_pos)
                continue
            except RecursionError:
                tok = self.peek()
                errors.append(self.error_at("ILO-P009", "expression nesting too deep", tok))
                self.recover(start_pos)
                continue
            suppress_p001 = False
            decls.append(decl)
            lifted.extend(self.lambdas)
        return decls + lifted, errors

    def recover(self, start_pos: int) -> None:
        """Skip to the next declaration start at brace depth 0 (diagnostics.md §6.3)."""
        if self.pos == start_pos:
            self.advance()
        depth = 0
        while not self.at(EOF):
            tok = self.peek()
            if depth == 0 and (tok.kind in ("Type", "Tool") or self.header_at(self.pos)):
                return
            if tok.kind == "LBrace":
                depth += 1
            elif tok.kind == "RBrace":
                if depth == 0:
                    self.advance()
                    return
                depth -= 1
            self.advance()

    def parse_decl(self) -> A.Decl:
        tok = self.peek()
        kind = tok.kind
        if kind == "Type":
            return self.parse_type_decl()
        if kind == "Tool":
            return self.parse_tool_decl()
        if kind == "Use":
            return self.parse_use_decl()
        if kind == IDENT:
            if tok.value == "alias" and self.is_alias_decl():
                return self.parse_alias_decl()
            return self.parse_fn_decl()
        if kind == EOF:
            raise ParseError("ILO-P002", "expected declaration, got EOF", 0, 0)
        raise self.error_at("ILO-P001", f"expected declaration, got {tok.name()}", tok, _p001_suggestion(tok))

    def is_alias_decl(self) -> bool:
        nxt = self.peek(1)
        if nxt.kind == "Greater":
            return False
        return not (nxt.kind == IDENT and self.at("Colon", 2))

    # ---------------------------------------------------------------- functions

    def incomplete_header(self, name_tok: Token) -> ParseError:
        where = "file" if self.at(EOF) else "line"
        return ParseError(
            "ILO-P020",
            f"incomplete function header for `{name_tok.value}`: header runs off the end of the {where}",
            name_tok.start,
            name_tok.end,
            _P020_SUGGESTION,
        )

    def at_header_end(self) -> bool:
        tok = self.peek()
        return tok.kind == EOF or tok.nl_before

    def parse_params(self, name_tok: Token | None) -> list[A.Param]:
        params: list[A.Param] = []
        while True:
            if name_tok is not None and self.at_header_end():
                raise self.incomplete_header(name_tok)
            tok = self.peek()
            if tok.kind == IDENT and self.at("Colon", 1):
                self.advance()
                self.advance()
                ptype = self.parse_type()
                params.append(A.Param(str(tok.value), ptype, span=self.span_from(tok.start)))
                continue
            if tok.kind in FRIENDLY_KEYWORDS and self.at("Colon", 1):
                raise self.reserved_word_error(tok)
            return params

    def expect_header_greater(self, name_tok: Token) -> None:
        tok = self.peek()
        if tok.kind == "Greater":
            self.advance()
            return
        if self.at_header_end():
            raise self.incomplete_header(name_tok)
        if tok.kind == "Colon" and self.at("Greater", 1):
            n = name_tok.value
            raise self.error_at(
                "ILO-P003",
                f"unexpected `:>` after `{n}` — ilo signatures don't put a colon before the "
                "return-type separator",
                tok,
                f"write `{n}>return;body` for a no-param function, or `{n} p:t>return;body` if params were "
                "intended",
            )
        suggestion = None
        if tok.kind == "Minus" and self.at("Greater", 1):
            suggestion = "ilo uses '>' not '->' for the return type separator"
        raise self.expected_token("Greater", suggestion=suggestion)

    def parse_fn_decl(self) -> A.Decl:
        name_tok = self.advance()
        name = str(name_tok.value)
        if name in BUILTIN_NAMES:
            raise self.error_at(
                "ILO-P011",
                f"`{name}` is a builtin and cannot be used as a function name",
                name_tok,
                f"rename to something like `my{name}` or `{name}of` — builtins shadow user functions in "
                "calls, so reusing the name silently breaks dispatch",
            )
        params = self.parse_params(name_tok)
        self.expect_header_greater(name_tok)
        ret = self.parse_type()
        self.add_user_function(name, [p.type for p in params])
        if self.at_header_end():
            raise self.incomplete_header(name_tok)
        if self.at("Semi"):
            self.advance()
            if self.at_header_end():
                raise self.incomplete_header(name_tok)
        self.scopes = [{p.name for p in params}]
        if self.at("LBrace") and not self.is_destructure(self.pos):
            body = self.parse_block()
        else:
            body = self.parse_fn_stmts()
        self.scopes = []
        return A.FnDecl(name, params, ret, body, span=self.span_from(name_tok.start))

    def parse_fn_stmts(self) -> list[A.Stmt]:
        """A `;`-separated top-level body: ends at a statement not followed by `;`, or at a
        `;` followed by something that looks like a function header (absorbed)."""
        body = [self.parse_stmt()]
        while self.at("Semi"):
            if self.header_after_semi(self.pos + 1):
                self.advance()
                break
            self.advance()
            if self.at(EOF):
                break
            body.append(self.parse_stmt())
        return body

    # ---------------------------------------------------------------- other declarations

    def parse_type_decl(self) -> A.Decl:
        start = self.advance().start
        name = str(self.expect_ident().value)
        self.expect("LBrace")
        fields: list[A.Param] = []
        if not self.at("RBrace"):
            while True:
                ftok = self.expect_ident()
                self.expect("Colon")
                ftype = self.parse_type()
                fields.append(A.Param(str(ftok.value), ftype, span=self.span_from(ftok.start)))
                if not self.at("Semi"):
                    break
                self.advance()
        self.expect("RBrace")
        return A.TypeDecl(name, fields, span=self.span_from(start))

    def parse_alias_decl(self) -> A.Decl:
        start = self.advance().start
        name = str(self.expect_ident().value)
        target = self.parse_type()
        return A.AliasDecl(name, target, span=self.span_from(start))

    def parse_tool_decl(self) -> A.Decl:
        start = self.advance().start
        name_tok = self.expect_ident()
        if not self.at(TEXT):
            raise self.error_at("ILO-P015", "expected tool description string", self.peek())
        description = str(self.advance().value)
        params = self.parse_params(None)
        self.expect("Greater")
        ret = self.parse_type()
        options: dict[str, float] = {}
        while self.peek().kind in ("Timeout", "Retry") and not self.peek().nl_before:
            key = self.advance().kind
            self.expect("Colon")
            num = self.peek()
            if num.kind != NUMBER:
                if num.kind == EOF:
                    raise ParseError("ILO-P014", "expected number, got EOF", 0, 0)
                raise self.error_at("ILO-P013", f"expected number, got {num.name()}", num)
            self.advance()
            options[key] = float(num.value)  # type: ignore[arg-type]
            if self.at("Comma"):
                self.advance()
        return A.ToolDecl(
            str(name_tok.value),
            description,
            params,
            ret,
            options.get("Timeout"),
            options.get("Retry"),
            span=self.span_from(start),
        )

    def parse_use_decl(self) -> A.Decl:
        start = self.advance().start
        tok = self.peek()
        if tok.kind != TEXT:
            got = "EOF" if tok.kind == EOF else tok.name()
            raise self.error_at("ILO-P016", f"expected a string path after `use`, got {got}", tok)
        path = str(self.advance().value)
        names: list[str] | None = None
        if self.at("LBracket") and not self.peek().nl_before:
            open_tok = self.advance()
            names = []
            while self.at(IDENT):
                names.append(str(self.advance().value))
            if not self.at("RBracket"):
                raise self.error_at("ILO-P016", "unclosed `[` in use statement", self.peek())
            close_tok = self.advance()
            if not names:
                raise ParseError(
                    "ILO-P016",
                    "use `[...]` list must not be empty — omit brackets to import all",
                    open_tok.start,
                    close_tok.end,
                )
        return A.UseDecl(path, names, span=self.span_from(start))
