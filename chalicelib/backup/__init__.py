"""Backup and restore of the shop's tables (operator commands, no routes).

* `codec.py`     one item per line in DynamoDB JSON, canonical; the order-independent table digest
* `locations.py` a local folder or an S3 prefix, written and read as streams
* `manifest.py`  the manifest's layout and checks, the excluded outbox, what the copy guarantees
* `export.py`    `backup(...)`: consistent parallel Scan to files, manifest, optional on-demand backups
* `restore.py`   `restore(...)`: check everything, create tables, refuse non-empty ones, load, verify
* `cli.py`       `cli backup DEST [--aws]`, `cli restore SRC`
"""
