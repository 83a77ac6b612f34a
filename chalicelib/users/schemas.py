"""Request bodies of the user routes."""

from chalicelib.core.http.validation import Boolean, Date, Email, Schema, String

LOGIN = Schema("Login", email=String(max_length=254), password=String(trim=False),
               dashboard_login=Boolean(default=False))
REFRESH = Schema("Refresh", refresh=String())
LOGOUT = Schema("Logout", refresh=String())
REGISTER = Schema("Register", email=Email(max_length=40), password=String(trim=False))
PROFILE = Schema(
    "Profile",
    first_name=String(max_length=40, allow_blank=True, required=False),
    last_name=String(max_length=40, allow_blank=True, required=False),
    birth_date=Date(required=False, allow_null=True),
)
