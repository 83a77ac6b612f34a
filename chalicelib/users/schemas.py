"""Request bodies of the user and role routes."""

from typing import Any

from chalicelib.core.http.validation import Boolean, Date, Email, Field, FieldError, ListOf, Schema, String

LOGIN = Schema("Login", email=String(max_length=254), password=String(trim=False),
               dashboard_login=Boolean(default=False))
REFRESH = Schema("Refresh", refresh=String())
REGISTER = Schema("Register", email=Email(max_length=40), password=String(trim=False))
PROFILE = Schema(
    "Profile",
    first_name=String(max_length=40, allow_blank=True, required=False),
    last_name=String(max_length=40, allow_blank=True, required=False),
    birth_date=Date(required=False, allow_null=True),
)
USER_UPDATE = Schema(
    "UserUpdate",
    first_name=String(max_length=40, allow_blank=True, required=False),
    last_name=String(max_length=40, allow_blank=True, required=False),
    birth_date=Date(required=False, allow_null=True),
    is_active=Boolean(required=False),
    is_admin=Boolean(required=False),
    is_staff=Boolean(required=False),
)
OWN_PASSWORD = Schema("OwnPassword", old_password=String(trim=False), new_password=String(trim=False))
SET_PASSWORD = Schema("SetPassword", new_password=String(trim=False))


class PermissionRef(Field):
    """A permission given by name, or as the `{name, model, description, type}` object G5 sends."""

    def convert(self, value: Any) -> str:
        if isinstance(value, dict):
            value = value.get("name")
        if not isinstance(value, str) or not value.strip():
            raise FieldError(["Expected a permission name or an object with a name."])
        return value.strip()

    def json_schema(self) -> dict:
        return {"oneOf": [{"type": "string"}, {"type": "object", "properties": {"name": {"type": "string"}}}]}


GROUP = Schema(
    "Group",
    name=String(max_length=150),
    description=String(max_length=255, allow_blank=True, default=""),
    permissions=ListOf(PermissionRef(), default=list),
)
USER_GROUPS = Schema("UserGroups", roles=ListOf(String(max_length=150)))
