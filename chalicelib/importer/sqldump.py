"""A streaming reader of PostgreSQL dumps' data: the rows their INSERT and COPY statements load.

Reads the file line by line and keeps only the statement being read in memory (a COPY block's lines,
for COPY), so a dump of any size streams through. What it understands (what TablePlus, pg_dump and
pg_dump --inserts write):

* statements split on `;` outside literals; `-- comments` and `/* comments */` skipped; $$ / $tag$
  quoted bodies (functions) kept whole;
* `INSERT INTO "public"."table" ("col", ...) VALUES (...), (...);` (schema and quotes optional, an
  `ON CONFLICT ...` tail ignored), with values: '...' strings with '' escapes and line breaks inside,
  E'...' strings with backslash escapes (\\n \\t \\r \\b \\f \\\\ \\' \\xHH, octal, \\uXXXX,
  \\UXXXXXXXX), $$...$$ strings, NULL, TRUE/FALSE, integers (int) and decimals (Decimal), casts
  (`'{}'::jsonb`);
* `COPY "public"."table" ("col", ...) FROM stdin;` followed by tab-separated lines up to `\\.`
  (`\\N` is NULL, backslash escapes as COPY writes them);
* `CREATE TABLE` for its column types: bool columns come back as True/False (dumps write 't'/'f'),
  and, in COPY data (which is all text), integer and numeric columns as int and Decimal. Other
  statements (ALTER, DROP, SET, SELECT ...) are passed over; timestamps stay text.

    for table, row in iter_rows("dump.sql", tables={"product_product"}):
        ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple


class DumpError(ValueError):
    """The dump has a statement this reader cannot understand; names the line it starts on."""


# --- statements -----------------------------------------------------------------------------------

_SPECIAL = re.compile(r"['\";]|--|/\*|\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$")
_STRING_END = re.compile(r"'")
_ESTRING_END = re.compile(r"['\\]")
_IDENT_END = re.compile(r'"')
_WORD_CHAR = re.compile(r"[A-Za-z0-9_$]")


def _lines(source: str | Path | Iterable[str]) -> Iterator[str]:
    if isinstance(source, str | Path):
        with open(source, encoding="utf-8") as handle:
            yield from handle
    else:
        yield from source


class Statement(NamedTuple):
    line: int  # where it starts
    text: str  # without its `;` and comments
    data: list[str] | None = None  # the data lines of `COPY ... FROM stdin` (without the closing `\.`)


_COPY_FROM_STDIN = re.compile(r"^COPY\b.*\bFROM\s+stdin\b", re.IGNORECASE | re.DOTALL)


def iter_statements(source: str | Path | Iterable[str]) -> Iterator[Statement]:
    """Each statement of the dump, in order. `source` is a path or an iterable of lines (with their
    line breaks)."""
    parts: list[str] = []
    tail = ""  # the statement's last two characters outside literals (to tell E'...' from '...')
    # None (code), "'" (string), "E" (escape string), '"' (identifier), "*" (block comment),
    # "$" (dollar-quoted body, ending with `dollar_tag`), "copy" (COPY data lines)
    mode = None
    dollar_tag = ""
    copy: Statement | None = None
    start_line: int | None = None
    line_number = 0
    for line in _lines(source):
        line_number += 1
        if mode == "copy":
            if line.rstrip("\r\n") == "\\.":
                yield copy
                mode, copy = None, None
            else:
                copy.data.append(line)
            continue
        pos = 0
        length = len(line)
        while pos < length:
            if mode is None:
                found = _SPECIAL.search(line, pos)
                end = found.start() if found else length
                chunk = line[pos:end]
                if chunk:
                    if start_line is None and chunk.strip():
                        start_line = line_number
                    parts.append(chunk)
                    tail = (tail + chunk)[-2:]
                if found is None:
                    break
                token = found.group()
                pos = found.end()
                if token == ";":
                    text = "".join(parts).strip()
                    parts, tail = [], ""
                    if text and _COPY_FROM_STDIN.match(text):  # its data follows, from the next line on
                        copy, mode = Statement(start_line or line_number, text, []), "copy"
                        start_line = None
                        break
                    if text:
                        yield Statement(start_line or line_number, text)
                    start_line = None
                elif token == "--":  # the rest of the line is a comment
                    parts.append("\n")
                    tail = "\n"
                    pos = length
                elif token == "/*":
                    parts.append(" ")
                    tail = " "
                    mode = "*"
                elif token.startswith("$"):  # $$ or $tag$: a body quoted until the same tag
                    if _WORD_CHAR.match(tail[-1:] or " "):  # `a$b$` is a name, not a quote
                        parts.append(token)
                        tail = token[-2:]
                        continue
                    if start_line is None:
                        start_line = line_number
                    parts.append(token)
                    tail = "$"
                    mode, dollar_tag = "$", token
                else:
                    if start_line is None:
                        start_line = line_number
                    if token == '"':
                        mode = '"'
                    else:  # an E'' string when a lone E stands right before the quote
                        before = tail[-2] if len(tail) == 2 else " "
                        escape = tail[-1:] in ("E", "e") and not _WORD_CHAR.match(before)
                        mode = "E" if escape else "'"
                    parts.append(token)
            elif mode == "*":
                end = line.find("*/", pos)
                if end < 0:
                    break
                pos = end + 2
                mode = None
            elif mode == "$":
                end = line.find(dollar_tag, pos)
                if end < 0:
                    parts.append(line[pos:])
                    break
                parts.append(line[pos:end + len(dollar_tag)])
                pos = end + len(dollar_tag)
                mode = None
            else:
                pattern = {"'": _STRING_END, "E": _ESTRING_END, '"': _IDENT_END}[mode]
                found = pattern.search(line, pos)
                if found is None:
                    parts.append(line[pos:])
                    break
                parts.append(line[pos:found.end()])
                pos = found.end()
                if found.group() == "\\":  # in E'': the next character is escaped, whatever it is
                    if pos < length:
                        parts.append(line[pos])
                        pos += 1
                    continue
                closing = '"' if mode == '"' else "'"
                if pos < length and line[pos] == closing:  # '' (or "") inside: an escaped quote
                    parts.append(closing)
                    pos += 1
                    continue
                mode = None
                tail = closing
    if mode in ("'", "E", '"', "$"):
        raise DumpError(f"line {start_line}: a quoted value is never closed")
    if mode == "copy":
        raise DumpError(f"line {copy.line}: the COPY data never ends (no line with \\.)")
    text = "".join(parts).strip()
    if text:
        yield Statement(start_line or line_number, text)


# --- values ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""\s*(?:
    (?P<dollar>\$(?P<tag>(?:[A-Za-z_][A-Za-z0-9_]*)?)\$.*?\$(?P=tag)\$)
  | (?P<estring>[Ee]'[^'\\]*(?:(?:\\.|'')[^'\\]*)*')
  | (?P<string>'[^']*(?:''[^']*)*')
  | (?P<ident>"[^"]*(?:""[^"]*)*")
  | (?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<cast>::)
  | (?P<punct>[(),.\[\]])
  | (?P<other>\S)
)""", re.VERBOSE | re.DOTALL)

_SIMPLE_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_BACKSLASH = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)


def _unescape(body: str) -> str:
    """The text of an E'' string's body (between the quotes)."""
    def replace(match: re.Match) -> str:
        code = match.group(1)
        if code in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[code]
        if code[0] in "xuU" and len(code) > 1:
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        return code  # \\ \' and any other character stand for themselves

    return _BACKSLASH.sub(replace, body.replace("''", "'"))


class _Tokens:
    def __init__(self, text: str, line: int):
        self.text = text
        self.line = line
        self.pos = 0
        self.length = len(text)

    def error(self, message: str) -> DumpError:
        line = self.line + self.text.count("\n", 0, self.pos)
        return DumpError(f"line {line}: {message} (near {self.text[self.pos:self.pos + 40]!r})")

    def next(self) -> tuple[str, str] | None:
        """The next token (kind, text), or None at the end."""
        match = _TOKEN.match(self.text, self.pos)
        if match is None:  # only whitespace is left
            self.pos = self.length
            return None
        self.pos = match.end()
        kind = match.lastgroup
        return kind, match.group(kind)

    def expect(self, kind: str, value: str | None = None) -> str:
        token = self.next()
        if token is None or token[0] != kind or (value is not None and token[1].upper() != value.upper()):
            raise self.error(f"expected {value or kind}")
        return token[1]

    def peek(self) -> tuple[str, str] | None:
        saved = self.pos
        token = self.next()
        self.pos = saved
        return token


def _name(token: tuple[str, str]) -> str:
    kind, text = token
    if kind == "ident":
        return text[1:-1].replace('""', '"')
    if kind == "word":
        return text.lower()
    raise ValueError(text)


def _qualified_name(tokens: _Tokens) -> str:
    """`"public"."table"` or `table`: the table's own name."""
    token = tokens.next()
    if token is None or token[0] not in ("ident", "word"):
        raise tokens.error("expected a table name")
    name = _name(token)
    while tokens.peek() == ("punct", "."):
        tokens.next()
        following = tokens.next()
        if following is None or following[0] not in ("ident", "word"):
            raise tokens.error("expected a name after '.'")
        name = _name(following)
    return name


_INTEGER = re.compile(r"[-+]?\d+")


def _literal(tokens: _Tokens, token: tuple[str, str] | None) -> object:
    if token is None:
        raise tokens.error("expected a value")
    kind, text = token
    if kind == "string":
        value: object = text[1:-1].replace("''", "'")
    elif kind == "estring":
        value = _unescape(text[2:-1])
    elif kind == "dollar":
        tag_end = text.index("$", 1) + 1
        value = text[tag_end:-tag_end]
    elif kind == "number":
        value = int(text) if _INTEGER.fullmatch(text) else Decimal(text)
    elif kind == "word" and text.upper() == "NULL":
        value = None
    elif kind == "word" and text.upper() in ("TRUE", "FALSE"):
        value = text.upper() == "TRUE"
    else:
        raise tokens.error("unsupported value")
    return value


_TYPE_PART = {("punct", "["), ("punct", "]")}


def _row(tokens: _Tokens) -> list:
    """One `(value, ...)` of a VALUES list; a value may carry casts (`'{}'::jsonb`, `::character varying`)."""
    tokens.expect("punct", "(")
    values = []
    while True:
        values.append(_literal(tokens, tokens.next()))
        token = tokens.next()
        while token == ("cast", "::"):
            tokens.expect("word")
            token = tokens.next()
            while token is not None and (token[0] == "word" or token in _TYPE_PART):
                token = tokens.next()
        if token == ("punct", ")"):
            return values
        if token != ("punct", ","):
            raise tokens.error("expected ',' or ')' in a row")


_KINDS = {  # column types (their first word) whose values are read as something other than text
    **dict.fromkeys(("bool", "boolean"), "bool"),
    **dict.fromkeys(("int", "int2", "int4", "int8", "integer", "smallint", "bigint", "serial", "serial2",
                     "serial4", "serial8", "smallserial", "bigserial"), "int"),
    **dict.fromkeys(("numeric", "decimal", "real", "double", "float4", "float8"), "decimal"),
}


def _create_table(text: str, line: int) -> tuple[str, dict[str, str]] | None:
    """(table, {column: type}) of a CREATE TABLE statement, or None when it is not one we can read."""
    tokens = _Tokens(text, line)
    try:
        tokens.expect("word", "CREATE")
        tokens.expect("word", "TABLE")
        if tokens.peek() and tokens.peek()[1].upper() == "IF":
            tokens.next()
            tokens.expect("word", "NOT")
            tokens.expect("word", "EXISTS")
        table = _qualified_name(tokens)
        tokens.expect("punct", "(")
        columns: dict[str, str] = {}
        depth = 1
        expecting_name = True
        while depth:
            token = tokens.next()
            if token is None:
                return table, columns
            if token == ("punct", "("):
                depth += 1
            elif token == ("punct", ")"):
                depth -= 1
            elif token == ("punct", ",") and depth == 1:
                expecting_name = True
            elif expecting_name and depth == 1 and token[0] in ("ident", "word"):
                expecting_name = False
                name = _name(token)
                if token[0] == "word" and name in ("primary", "constraint", "unique", "check", "foreign",
                                                   "exclude"):
                    continue
                type_token = tokens.next()
                if type_token and type_token[0] in ("word", "ident"):
                    columns[name] = _name(type_token)
        return table, columns
    except DumpError:
        return None


def _column_list(tokens: _Tokens) -> list[str]:
    tokens.expect("punct", "(")
    columns: list[str] = []
    while True:
        token = tokens.next()
        if token is None or token[0] not in ("ident", "word"):
            raise tokens.error("expected a column name")
        columns.append(_name(token))
        token = tokens.next()
        if token == ("punct", ")"):
            return columns
        if token != ("punct", ","):
            raise tokens.error("expected ',' or ')' in the column list")


def _insert(tokens: _Tokens) -> tuple[str, list[str], Iterator[list]]:
    tokens.expect("word", "INTO")
    table = _qualified_name(tokens)
    columns: list[str] = []
    if tokens.peek() == ("punct", "("):
        columns = _column_list(tokens)
    tokens.expect("word", "VALUES")

    def rows() -> Iterator[list]:
        while True:
            yield _row(tokens)
            token = tokens.next()
            if token is None:
                return
            if token != ("punct", ","):
                if token[0] == "word" and token[1].upper() == "ON":  # ON CONFLICT DO NOTHING
                    return
                raise tokens.error("expected ',' between rows")

    return table, columns, rows()


_COPY_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_COPY_BACKSLASH = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)")


def _copy_text(field: str) -> str:
    def replace(match: re.Match) -> str:
        code = match.group(1)
        if code in _COPY_ESCAPES:
            return _COPY_ESCAPES[code]
        if code[0] == "x" and len(code) > 1:
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        return code

    return _COPY_BACKSLASH.sub(replace, field) if "\\" in field else field


def _typed(value: str, kind: str | None) -> object:
    if kind == "int":
        return int(value)
    if kind == "decimal":
        return Decimal(value)
    if kind == "bool":
        return flag(value)
    return value


def _copy(statement: Statement, column_kinds: dict[str, dict[str, str]]) -> tuple[str, list[str], Iterator[list]]:
    """(table, columns, rows) of `COPY table (columns) FROM stdin` and its tab-separated data lines:
    \\N is NULL, backslash escapes as COPY writes them; values typed by the table's CREATE TABLE."""
    tokens = _Tokens(statement.text, statement.line)
    tokens.expect("word", "COPY")
    if tokens.peek() and tokens.peek()[1].upper() == "ONLY":
        tokens.next()
    table = _qualified_name(tokens)
    columns: list[str] = []
    if tokens.peek() == ("punct", "("):
        columns = _column_list(tokens)
    kinds = column_kinds.get(table, {})

    def rows() -> Iterator[list]:
        for offset, line in enumerate(statement.data or []):
            fields = line.rstrip("\n").removesuffix("\r").split("\t")
            if len(fields) != len(columns):
                raise DumpError(f"line {statement.line + 1 + offset}: {table}: a row has {len(fields)} values "
                                f"for {len(columns)} columns")
            yield [None if field == "\\N" else _typed(_copy_text(field), kinds.get(column))
                   for column, field in zip(columns, fields, strict=True)]

    return table, columns, rows()


def iter_rows(source: str | Path | Iterable[str], tables: Iterable[str] | None = None
              ) -> Iterator[tuple[str, dict]]:
    """(table, {column: value}) for every row the dump inserts (INSERT or COPY ... FROM stdin), in dump
    order; only those of `tables` when given."""
    wanted = set(tables) if tables is not None else None
    column_kinds: dict[str, dict[str, str]] = {}
    for statement in iter_statements(source):
        head = statement.text[:12].upper()
        if head.startswith("CREATE"):
            created = _create_table(statement.text, statement.line) if " TABLE " in statement.text[:40].upper() \
                else None
            if created:
                table, types = created
                column_kinds[table] = {c: _KINDS[t] for c, t in types.items() if t in _KINDS}
            continue
        if statement.data is not None:
            table, columns, rows = _copy(statement, column_kinds)
            if wanted is not None and table not in wanted:
                continue
            for values in rows:
                yield table, dict(zip(columns, values, strict=True))
            continue
        if not head.startswith("INSERT"):
            continue
        tokens = _Tokens(statement.text, statement.line)
        tokens.expect("word", "INSERT")
        table, columns, rows = _insert(tokens)
        if wanted is not None and table not in wanted:
            continue
        if not columns:
            raise tokens.error(f"INSERT INTO {table} without a column list")
        booleans = [c for c, kind in column_kinds.get(table, {}).items() if kind == "bool"]
        for values in rows:
            if len(values) != len(columns):
                raise tokens.error(f"{table}: a row has {len(values)} values for {len(columns)} columns")
            row = dict(zip(columns, values, strict=True))
            for column in booleans:
                if row.get(column) is not None:
                    row[column] = flag(row[column])
            yield table, row


def read_tables(source: str | Path | Iterable[str], tables: Iterable[str]) -> dict[str, list[dict]]:
    """The rows of the given tables, {table: [row, ...]} (an absent table has no rows)."""
    found: dict[str, list[dict]] = {name: [] for name in tables}
    for table, row in iter_rows(source, found):
        found[table].append(row)
    return found


def table_row_counts(source: str | Path | Iterable[str]) -> dict[str, int]:
    """How many rows each table of the dump has (for reports of what was not imported)."""
    counts: dict[str, int] = {}
    for table, _row in iter_rows(source):
        counts[table] = counts.get(table, 0) + 1
    return counts


def flag(value: object) -> bool:
    """A boolean from a dump value: True/False, 't'/'f', 'true'/'false', 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() in ("t", "true", "1", "y", "yes", "on")
    return bool(value)
