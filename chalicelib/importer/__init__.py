"""Import an original ecoseller PostgreSQL dump (`cli import-ecoseller <dump.sql>`).

    from chalicelib.importer import DumpError, ImportConflict, run
    counts = run("mock_data.sql")          # {"products.created": 1470, ...}; logs progress through `log`

`ImportConflict`: other items hold the dump's catalog ids (nothing was written); `DumpError`: a statement
the reader cannot parse (names its line).

Modules: sqldump (the streaming INSERT reader), source (the dump's rows, the report), localization,
taxonomy, products, users, cms (one per area), runner (the order, the conflict check, the report).
"""

from chalicelib.importer.runner import ImportConflict, run
from chalicelib.importer.sqldump import DumpError

__all__ = ["DumpError", "ImportConflict", "run"]
