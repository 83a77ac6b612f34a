"""The storefront's reads: product detail, category pages and filters (routes, service)."""
