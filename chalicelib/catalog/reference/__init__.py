"""The catalog's small reference collections and their cached whole-partition reads (store)."""
