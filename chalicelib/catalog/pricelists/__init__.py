"""Price lists (routes, service) and the pointer naming the default one (store)."""
