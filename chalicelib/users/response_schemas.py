"""JSON Schemas (draft 2020-12) of what the users routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import BOOLEAN, STRING, array, nullable, obj, page_of, ref

SCHEMAS = {
    "Group": obj(
        name=STRING,
        description=STRING,
        permissions=array(obj(name=STRING, model=STRING, description=STRING, type=STRING)),
    ),
    "GroupList": array(ref("Group")),
    "Permission": obj(name=STRING, model=STRING, description=STRING, type=STRING),
    "PermissionList": array(obj(name=STRING, model=STRING, description=STRING, type=STRING)),
    "TokenPair": obj(refresh=STRING, access=STRING, dashboard_login=BOOLEAN),
    "AccessToken": obj(access=STRING),
    "DetailMessage": obj(detail=STRING),
    "UserEmail": obj(email=STRING),
    "PasswordUpdated": obj(message=STRING, data=array()),
    "User": obj(
        email=STRING,
        first_name=STRING,
        last_name=STRING,
        birth_date=nullable(STRING),
        is_active=BOOLEAN,
        is_admin=BOOLEAN,
        is_staff=BOOLEAN,
    ),
    "UserPage": page_of(ref("User")),
}
