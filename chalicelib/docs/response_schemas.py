"""JSON Schemas (draft 2020-12) of what the docs routes answer: the OpenAPI document itself and the
notification payload schemas (their own content is JSON Schema, so only their outline is promised here)."""

from __future__ import annotations

from chalicelib.core.http.openapi import STRING, map_of, obj

SCHEMAS = {
    "OpenApiDocument": obj(
        openapi={"type": "string", "pattern": r"^3\.1\."},
        info=obj(title=STRING, version=STRING),
        paths=map_of(map_of({"type": "object", "required": ["responses"]})),
        components=obj(schemas=map_of({"type": "object"}), securitySchemes={"type": "object"}),
    ),
    "EventSchema": {"type": "object", "required": ["$schema"], "properties": {"$schema": STRING},
                    "additionalProperties": True},
    "EventSchemas": map_of({"$ref": "#/components/schemas/EventSchema"}),
}
