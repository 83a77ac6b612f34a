"""multipart/form-data bodies, parsed with the standard library's e-mail parser (no `cgi`)."""

from __future__ import annotations

import base64


def is_multipart(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "multipart/form-data"


def parse_multipart(body: bytes, content_type: str) -> dict:
    """The parts of a multipart/form-data body by field name (first one wins), as e-mail messages:
    `part.get_payload(decode=True)` is the field's bytes, `part.get_filename()` its file name.
    Raises ValueError for a body that is not multipart."""
    from email import policy
    from email.parser import BytesParser

    header = content_type.replace("\r", " ").replace("\n", " ")
    message = BytesParser(policy=policy.HTTP).parsebytes(
        f"Content-Type: {header}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", errors="replace") + body)
    if not message.is_multipart():
        raise ValueError("Malformed multipart/form-data body.")
    fields: dict = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str) and name not in fields:
            fields[name] = part
    return fields


def form_fields(body: bytes, content_type: str) -> dict:
    """A multipart form as a JSON-like dict: text fields as strings, files as base64 data URIs (so the
    same request schemas validate JSON uploads and form uploads alike)."""
    fields = {}
    for name, part in parse_multipart(body, content_type).items():
        data = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            kind = part.get_content_type() or "application/octet-stream"
            fields[name] = f"data:{kind};base64,{base64.b64encode(data).decode()}"
        else:
            fields[name] = data.decode("utf-8", errors="replace")
    return fields
