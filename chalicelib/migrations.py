"""Data migrations, in the order `migrate` applies them. Each one must be safe to run twice."""

from chalicelib.users.roles import create_default_groups

MIGRATIONS = [
    ("0001_default_groups", create_default_groups),
]
