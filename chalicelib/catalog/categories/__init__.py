"""The category tree: routes and service (its items are kept through taxonomy/store.py)."""
