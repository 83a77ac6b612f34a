"""Product aggregates: routes, service, views, request schemas, store."""
