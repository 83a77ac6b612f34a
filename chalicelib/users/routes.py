"""`user/...` routes (contract table 1.6). Paths have no trailing slash in the original; it is optional."""

from chalicelib.core.auth.access import AUTHENTICATED, PUBLIC, STAFF, permission
from chalicelib.core.http import pagination
from chalicelib.core.http.errors import ApiError
from chalicelib.core.http.routing import Req, Routes, empty, json_response
from chalicelib.users import admin, schemas, service, store

routes = Routes(__name__, tag="user")

NO_USER = {"error": "User does not exist"}
PASSWORD_UPDATED = {"message": "Password updated successfully", "data": []}
USER_CHANGE = permission("user_change_permission")


# --- the caller's own account -------------------------------------------------------------------

@routes.route("/user/login", ["POST"], access=PUBLIC, body=schemas.LOGIN, authenticate=False,
              summary="Log in; answers a refresh and an access token (U4). Failures are throttled (429).",
              response="TokenPair", errors=(429,))
def login(req: Req):
    data = req.data
    return service.login(data["email"], data["password"], data["dashboard_login"], req.client_ip)


@routes.route("/user/refresh-token", ["POST"], access=PUBLIC, body=schemas.REFRESH, authenticate=False,
              summary="A new access token for a refresh token (U6).", response="AccessToken", errors=(401,))
def refresh_token(req: Req):
    return service.refresh_access(req.data["refresh"])


@routes.route("/user/logout", ["POST"], access=PUBLIC, summary="Blacklist a refresh token (U5).", status=201,
              reads=schemas.LOGOUT)
def logout(req: Req):
    body = req.json_body()
    refresh = body.get("refresh") if isinstance(body, dict) else None
    if not isinstance(refresh, str) or not refresh:
        raise ApiError(None, 400)
    service.logout(refresh)
    return empty(201)


@routes.route("/user/logout-all", ["POST"], access=AUTHENTICATED,
              summary="Log out everywhere: every token of the caller stops working at once.", response="DetailMessage")
def logout_all(req: Req):
    service.logout_everywhere(req.require_user().email)
    return {"detail": "Logged out everywhere."}


@routes.route("/user/register", ["POST"], access=PUBLIC, body=schemas.REGISTER,
              summary="Create a shopper account (U3).", status=201, response="UserEmail")
def register(req: Req):
    user = service.register(req.data["email"], req.data["password"])
    return json_response({"email": user["email"]}, 201)


@routes.route("/user/detail", ["GET"], access=PUBLIC, summary="The logged-in user (U1).",
              response="User", errors=(403,))
def detail(req: Req):
    if req.user is None:
        raise ApiError(NO_USER, 403)
    return store.public_user(req.user.item)


@routes.route("/user/detail", ["PUT"], access=PUBLIC, body=schemas.PROFILE,
              summary="Update one's own profile; privilege flags are ignored (U2).", response="User", errors=(403,))
def update_detail(req: Req):
    if req.user is None:
        raise ApiError(NO_USER, 403)
    return store.public_user(service.update_profile(req.user.email, req.data))


@routes.route("/user/password", ["PUT", "PATCH"], access=AUTHENTICATED, body=schemas.OWN_PASSWORD,
              summary="Change one's own password; the old one is required (U13). Every other session ends.",
              response="PasswordUpdated")
def change_own_password(req: Req):
    service.change_own_password(req.require_user().item, req.data["old_password"], req.data["new_password"],
                                req.claims or {})
    return PASSWORD_UPDATED


# --- user administration (dashboard) -------------------------------------------------------------

@routes.route("/user/users", ["GET"], access=STAFF, summary="Users, paginated (U7).",
              response="UserPage", errors=(404,))
def list_users(req: Req):
    users = [store.public_user(u) for u in store.list_users()]
    return pagination.paginate(users, query=req.query, rules=pagination.DASHBOARD, base_url=req.base_url())


@routes.route("/user/users", ["POST"], access=permission("user_add_permission"), body=schemas.REGISTER,
              summary="Create a user (U8).", status=201, response="UserEmail")
def create_user(req: Req):
    user = service.register(req.data["email"], req.data["password"])
    return json_response({"email": user["email"]}, 201)


@routes.route("/user/users/{email}", ["GET"], access=STAFF, summary="One user (U9).", response="User")
def get_user(req: Req, email: str):
    return store.public_user(admin.get_user_or_404(email))


@routes.route("/user/users/{email}", ["PUT"], access=USER_CHANGE, body=schemas.USER_UPDATE,
              summary="Edit a user (U10). Only admins grant is_admin; nobody changes their own privileges.",
              response="User")
def update_user(req: Req, email: str):
    return store.public_user(admin.update_user(req.require_user(), email, req.data))


@routes.route("/user/users/{email}", ["PATCH"], access=USER_CHANGE, summary="Edit some fields of a user (U11).",
              reads=schemas.USER_UPDATE,
              response="User")
def patch_user(req: Req, email: str):
    data = schemas.USER_UPDATE.validate(req.json_body(), partial=True)
    return store.public_user(admin.update_user(req.require_user(), email, data))


@routes.route("/user/users/{email}", ["DELETE"], access=USER_CHANGE, summary="Delete a user for good (U12).",
              status=204)
def delete_user(req: Req, email: str):
    admin.delete_user(req.require_user(), email)
    return empty(204)


@routes.route("/user/users/{email}/logout-all", ["POST"], access=USER_CHANGE,
              summary="End every session of a user (all their tokens stop working).", response="DetailMessage")
def logout_user_everywhere(req: Req, email: str):
    admin.logout_user_everywhere(req.require_user(), email)
    return {"detail": "Logged out everywhere."}


@routes.route("/user/password/{email}", ["PUT", "PATCH"], access=USER_CHANGE, body=schemas.SET_PASSWORD,
              summary="Set a user's password (U14); their existing sessions end.", response="PasswordUpdated")
def set_password(req: Req, email: str):
    admin.set_password(req.require_user(), email, req.data["new_password"])
    return PASSWORD_UPDATED
