"""The Chalice app: registers each feature's routes and Lambda event handlers, nothing else."""

from chalice import Chalice

from chalicelib.core.http.routing import set_principal_loader
from chalicelib.users import service as user_service
from chalicelib.users.routes import routes as user_routes

app = Chalice(app_name="ecoseller")
app.api.binary_types.extend(["multipart/form-data"])

set_principal_loader(user_service.load_principal)

app.register_blueprint(user_routes.blueprint)
