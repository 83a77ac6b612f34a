"""`roles/...` routes (contract table 1.7): groups, the permission catalogue, a user's roles."""

from chalicelib.core.auth.access import STAFF, permission
from chalicelib.core.http.errors import ApiError
from chalicelib.core.http.routing import Req, Routes, empty
from chalicelib.users import permissions, roles, schemas

routes = Routes(__name__, tag="roles")


@routes.route("/roles/groups", ["GET"], access=STAFF, summary="All groups with their permissions (G9).",
              response="GroupList")
def list_groups(req: Req):
    return roles.list_groups()


@routes.route("/roles/groups", ["POST"], access=permission("group_add_permission"), body=schemas.GROUP,
              summary="Create a group; permissions by name (G10).", status=201)
def create_group(req: Req):
    roles.create_group(req.require_user(), req.data["name"], req.data["description"], req.data["permissions"])
    return empty(201)


@routes.route("/roles/groups/{name}", ["GET"], access=STAFF, summary="One group (G4).", response="Group", errors=(400,))
def get_group(req: Req, name: str):
    return roles.render_group(roles.group_or_400(name))


@routes.route("/roles/groups/{name}", ["PUT"], access=permission("group_change_permission"), body=schemas.GROUP,
              summary="Replace a group's description and permissions; a new name renames it (G5).")
def update_group(req: Req, name: str):
    data = req.data
    roles.update_group(req.require_user(), name, data["name"], data["description"], data["permissions"])
    return empty(200)


@routes.route("/roles/groups/{name}", ["DELETE"], access=permission("group_change_permission"),
              summary="Delete a group; its members lose it (G6).", errors=(400,))
def delete_group(req: Req, name: str):
    roles.delete_group(name)
    return empty(200)


@routes.route("/roles/permissions", ["GET"], access=STAFF,
              summary="The permissions the role editor offers (G11).", response="PermissionList")
def list_permissions(req: Req):
    return permissions.role_editor_permissions()


@routes.route("/roles/permission/{name}", ["GET"], access=STAFF, summary="One permission (G7).",
              response="Permission", errors=(400,))
def get_permission(req: Req, name: str):
    described = permissions.describe(name)
    if described is None:
        raise ApiError({"error": f"Permission {name} does not exist"}, 400)
    return described


@routes.route("/roles/user-groups/{email}", ["GET"], access=STAFF, summary="A user's groups (G2).",
              response="GroupList", errors=(400,))
def get_user_groups(req: Req, email: str):
    return roles.user_groups(email)


@routes.route("/roles/user-groups/{email}", ["PUT"], access=permission("user_change_permission"),
              body=schemas.USER_GROUPS, summary="Replace a user's groups (G3).")
def set_user_groups(req: Req, email: str):
    roles.set_user_groups(req.require_user(), email, req.data["roles"])
    return empty(200)


@routes.route("/roles/user-permissions/{email}", ["GET"], access=STAFF,
              summary="A user's effective permissions (G1).", response="PermissionList", errors=(400,))
def get_user_permissions(req: Req, email: str):
    return roles.user_permissions(email)
