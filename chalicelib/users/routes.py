"""`user/...` routes (contract table 1.6). Paths have no trailing slash in the original; it is optional."""

from chalicelib.core.auth.access import PUBLIC, STAFF, permission
from chalicelib.core.http import pagination
from chalicelib.core.http.errors import ApiError, NotFound
from chalicelib.core.http.routing import Req, Routes, empty, json_response
from chalicelib.core.store import db, keys
from chalicelib.users import schemas, service, store

routes = Routes(__name__, tag="user")

NO_USER = {"error": "User does not exist"}


@routes.route("/user/login", ["POST"], access=PUBLIC, body=schemas.LOGIN, authenticate=False,
              summary="Log in; answers a refresh and an access token (U4).")
def login(req: Req):
    data = req.data
    return service.login(data["email"], data["password"], data["dashboard_login"])


@routes.route("/user/refresh-token", ["POST"], access=PUBLIC, body=schemas.REFRESH, authenticate=False,
              summary="A new access token for a refresh token (U6).")
def refresh_token(req: Req):
    return service.refresh_access(req.data["refresh"])


@routes.route("/user/logout", ["POST"], access=PUBLIC, summary="Blacklist a refresh token (U5).")
def logout(req: Req):
    body = req.json_body()
    refresh = body.get("refresh") if isinstance(body, dict) else None
    if not isinstance(refresh, str) or not refresh:
        raise ApiError(None, 400)
    service.logout(refresh)
    return empty(201)


@routes.route("/user/register", ["POST"], access=PUBLIC, body=schemas.REGISTER,
              summary="Create a shopper account (U3).")
def register(req: Req):
    user = service.register(req.data["email"], req.data["password"])
    return json_response({"email": user["email"]}, 201)


@routes.route("/user/detail", ["GET"], access=PUBLIC, summary="The logged-in user (U1).")
def detail(req: Req):
    if req.user is None:
        raise ApiError(NO_USER, 403)
    return store.public_user(req.user.item)


@routes.route("/user/detail", ["PUT"], access=PUBLIC, body=schemas.PROFILE,
              summary="Update one's own profile; privilege flags are ignored (U2).")
def update_detail(req: Req):
    if req.user is None:
        raise ApiError(NO_USER, 403)
    return store.public_user(service.update_profile(req.user.email, req.data))


@routes.route("/user/users", ["GET"], access=STAFF, summary="Users, paginated (U7).")
def list_users(req: Req):
    users = [store.public_user(u) for u in db.query("main", partition=("GSI1PK", keys.USERS_LIST), index="GSI1")]
    return pagination.paginate(users, query=req.query, rules=pagination.DASHBOARD, base_url=req.base_url())


@routes.route("/user/users", ["POST"], access=permission("user_add_permission"), body=schemas.REGISTER,
              summary="Create a user (U8).")
def create_user(req: Req):
    user = service.register(req.data["email"], req.data["password"])
    return json_response({"email": user["email"]}, 201)


@routes.route("/user/users/{email}", ["GET"], access=STAFF, summary="One user (U9).")
def get_user(req: Req, email: str):
    user = store.get_user(email)
    if user is None:
        raise NotFound()
    return store.public_user(user)
