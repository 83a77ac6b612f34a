"""API documentation: the OpenAPI document and Swagger UI, whose assets ship with the app (no CDN)."""
