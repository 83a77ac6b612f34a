"""Authentication (JWT, passwords) and authorization (access rules for routes)."""
