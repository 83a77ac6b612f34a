"""Request bodies of the user and role routes."""

from typing import Any

from chalicelib.core.http.validation import (
    NOT_BLANK_PATTERN,
    Boolean,
    Date,
    Email,
    Field,
    FieldError,
    ListOf,
    Schema,
    String,
)

# Far beyond any real password, short enough that hashing one costs nothing.
MAX_PASSWORD = 4096
MAX_TOKEN = 4096  # our JWTs are a few hundred characters

LOGIN = Schema("Login", email=String(max_length=254), password=String(trim=False, max_length=MAX_PASSWORD),
               dashboard_login=Boolean(default=False))
REFRESH = Schema("Refresh", refresh=String(max_length=MAX_TOKEN))
# U5 checks its body itself (an invalid one is the original's empty 400); documented here.
LOGOUT = Schema("Logout", refresh=String(trim=False, strict=True, max_length=MAX_TOKEN))
REGISTER = Schema("Register", email=Email(max_length=40), password=String(trim=False, max_length=MAX_PASSWORD))
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
OWN_PASSWORD = Schema("OwnPassword", old_password=String(trim=False, max_length=MAX_PASSWORD),
                      new_password=String(trim=False, max_length=MAX_PASSWORD))
SET_PASSWORD = Schema("SetPassword", new_password=String(trim=False, max_length=MAX_PASSWORD))


class PermissionRef(Field):
    """A permission given by name, or as the `{name, model, description, type}` object G5 sends."""

    def convert(self, value: Any) -> str:
        if isinstance(value, dict):
            value = value.get("name")
        if not isinstance(value, str) or not value.strip():
            raise FieldError(["Expected a permission name or an object with a name."])
        return value.strip()

    def json_schema(self) -> dict:
        name = {"type": "string", "pattern": NOT_BLANK_PATTERN}
        return {"oneOf": [name, {"type": "object", "properties": {"name": name}, "required": ["name"]}]}


GROUP = Schema(
    "Group",
    name=String(max_length=150),
    description=String(max_length=255, allow_blank=True, default=""),
    permissions=ListOf(PermissionRef(), default=list),
)
USER_GROUPS = Schema("UserGroups", roles=ListOf(String(max_length=150)))
