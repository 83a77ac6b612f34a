"""Category listings: what an entry holds (service) and how listings are stored (store)."""
