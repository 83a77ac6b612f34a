"""The streaming reader of PostgreSQL dumps (chalicelib/importer/sqldump.py), on hand-written SQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.importer import sqldump
from chalicelib.importer.sqldump import DumpError, flag, iter_rows, iter_statements, read_tables


def rows(sql: str, tables=None) -> list[tuple[str, dict]]:
    return list(iter_rows(sql.splitlines(keepends=True), tables))


def test_values_strings_null_numbers_and_quote_escapes():
    found = rows("""INSERT INTO "public"."t" ("id", "name", "price", "note", "neg") VALUES
(1, 'It''s a boy''s toy', 12.50, NULL, -3),
(2, '', 0, 'NULL', -0.5);
""")
    assert found == [
        ("t", {"id": 1, "name": "It's a boy's toy", "price": Decimal("12.50"), "note": None, "neg": -3}),
        ("t", {"id": 2, "name": "", "price": 0, "note": "NULL", "neg": Decimal("-0.5")}),
    ]
    assert isinstance(found[0][1]["id"], int) and isinstance(found[0][1]["price"], Decimal)


def test_multi_line_strings_and_separators_inside_strings():
    sql = ("INSERT INTO t (id, body) VALUES (1, 'first line\n"
           "second; with a semicolon, a comma ) and -- no comment /* nor this */\n"
           "'), (2, 'x');\n")
    found = rows(sql)
    assert found[0][1]["body"] == ("first line\nsecond; with a semicolon, a comma ) and -- no comment "
                                   "/* nor this */\n")
    assert found[1][1] == {"id": 2, "body": "x"}


def test_escape_strings():
    sql = r"""INSERT INTO t (id, v) VALUES
(1, E'line\nnext\ttab \\ back \' quote '' doubled'),
(2, E'\x41\101\u00e9\U0001F600'),
(3, e'lower-case e and a \
line break');
"""
    values = [r["v"] for _t, r in rows(sql)]
    assert values[0] == "line\nnext\ttab \\ back ' quote ' doubled"
    assert values[1] == "AAé\U0001F600"
    assert values[2] == "lower-case e and a \nline break"


def test_an_e_at_the_end_of_a_word_is_not_an_escape_string():
    # `'\'` is a complete standard string (a lone backslash); only a lone E before the quote starts E''.
    found = rows("INSERT INTO t (a, b) VALUES ('ONE', 'C:\\');\n")
    assert found[0][1] == {"a": "ONE", "b": "C:\\"}


def test_booleans_from_the_create_table_types_and_keywords():
    sql = """
CREATE TABLE "public"."flags" (
    "id" int4 NOT NULL DEFAULT nextval('flags_id_seq'::regclass),
    "level" int4 NOT NULL CHECK (level >= 0),
    "published" bool NOT NULL,
    "label" varchar(10),
    PRIMARY KEY ("id")
);
INSERT INTO "public"."flags" ("id", "level", "published", "label") VALUES
(1, 0, 't', 't'),
(2, 1, 'f', 'f'),
(3, 2, TRUE, NULL),
(4, 3, NULL, 'x');
"""
    found = [r for _t, r in rows(sql)]
    assert [r["published"] for r in found] == [True, False, True, None]
    assert [r["label"] for r in found] == ["t", "f", None, "x"]  # not a bool column: left as written


def test_several_statements_comments_casts_and_table_filter():
    sql = """-- a TablePlus header
-- Database: ecoseller
SET statement_timeout = 0;
DROP TABLE IF EXISTS "public"."a";
/* a block
   comment; with a semicolon */
INSERT INTO "public"."a" ("id", "data") VALUES (1, '{"k": [1, 2]}'::jsonb), (2, 'x'::character varying);
INSERT INTO b (id) VALUES (7);  -- trailing comment
INSERT INTO public.a (id, data) VALUES (3, NULL) ON CONFLICT DO NOTHING;
ALTER TABLE "public"."a" ADD FOREIGN KEY ("id") REFERENCES "public"."b"("id");
"""
    assert rows(sql) == [("a", {"id": 1, "data": '{"k": [1, 2]}'}), ("a", {"id": 2, "data": "x"}),
                         ("b", {"id": 7}), ("a", {"id": 3, "data": None})]
    assert rows(sql, tables={"b"}) == [("b", {"id": 7})]
    assert read_tables(sql.splitlines(keepends=True), ["a", "missing"])["missing"] == []


def test_statements_and_their_line_numbers():
    lines = ["\n", "INSERT INTO t (id) VALUES\n", "(1),\n", "(2);\n", "\n", "INSERT INTO t (id) VALUES (3); "
             "INSERT INTO t (id) VALUES (4);\n", "SELECT 1"]
    assert [(s.line, s.text.split()[0]) for s in iter_statements(lines)] == [
        (2, "INSERT"), (6, "INSERT"), (6, "INSERT"), (7, "SELECT")]


def test_reads_a_file(tmp_path):
    path = tmp_path / "dump.sql"
    path.write_text("INSERT INTO t (id, name) VALUES (1, 'Čeština ''cs''');\n", encoding="utf-8")
    assert list(iter_rows(path)) == [("t", {"id": 1, "name": "Čeština 'cs'"})]
    assert sqldump.table_row_counts(str(path)) == {"t": 1}


def test_dollar_quoted_bodies_and_values():
    sql = """CREATE FUNCTION touch() RETURNS trigger AS $body$
BEGIN
  INSERT INTO audit (note) VALUES ('it''s; here');  -- not a row of the dump
  RETURN NEW;
END $body$ LANGUAGE plpgsql;
INSERT INTO t (id, v, w) VALUES (1, $$a 'quoted'; text$$, $x$with $$ inside$x$);
"""
    assert rows(sql) == [("t", {"id": 1, "v": "a 'quoted'; text", "w": "with $$ inside"})]


def test_copy_from_stdin_as_pg_dump_writes_it():
    sql = """CREATE TABLE public.product_productprice (
    id bigint NOT NULL,
    price numeric(12,2),
    price_list_id character varying(200) NOT NULL,
    product_variant_id character varying(255) NOT NULL,
    create_at timestamp with time zone NOT NULL,
    discount numeric(5,2),
    safe_deleted boolean NOT NULL
);

COPY public.product_productprice (id, price, price_list_id, product_variant_id, create_at, discount,
    safe_deleted) FROM stdin;
1\t362.00\tCZK_retail\t1-en-1080p\t2023-07-09 17:30:19.28139+00\t\\N\tf
2\t72.40\tPLN; retail\ttab\\there\\nnewline \\\\ back\t2023-07-09 17:30:19.292592+00\t10.00\tt
\\.
INSERT INTO other (id) VALUES (3);
"""
    assert rows(sql) == [
        ("product_productprice", {"id": 1, "price": Decimal("362.00"), "price_list_id": "CZK_retail",
                                  "product_variant_id": "1-en-1080p", "create_at": "2023-07-09 17:30:19.28139+00",
                                  "discount": None, "safe_deleted": False}),
        ("product_productprice", {"id": 2, "price": Decimal("72.40"), "price_list_id": "PLN; retail",
                                  "product_variant_id": "tab\there\nnewline \\ back",
                                  "create_at": "2023-07-09 17:30:19.292592+00", "discount": Decimal("10.00"),
                                  "safe_deleted": True}),
        ("other", {"id": 3}),
    ]
    with pytest.raises(DumpError, match="line 1: the COPY data never ends"):
        rows("COPY t (id) FROM stdin;\n1\n")


@pytest.mark.parametrize("sql, message", [
    ("INSERT INTO t (id, name) VALUES (1, 'never closed);\n", "line 1: a quoted value is never closed"),
    ("\n\nINSERT INTO t (id, name) VALUES (1);\n", "line 3: t: a row has 1 values for 2 columns"),
    ("INSERT INTO t (id) VALUES (now());\n", "line 1: unsupported value"),
    ("INSERT INTO t VALUES (1);\n", "without a column list"),
])
def test_errors_name_the_line(sql, message):
    with pytest.raises(DumpError, match=message.replace("(", r"\(").replace(")", r"\)")):
        rows(sql)


def test_flag():
    assert [flag(v) for v in (True, "t", "true", "T", 1)] == [True] * 5
    assert [flag(v) for v in (False, "f", "false", "", 0)] == [False] * 5
