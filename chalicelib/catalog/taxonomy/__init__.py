"""Product types, attribute types and attribute values: routes, service, request schemas, store, demo data."""
