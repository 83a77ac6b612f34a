"""Users, roles (manager groups) and permissions; login, refresh and logout."""
