"""The Chalice app: registers each feature's routes and Lambda event handlers, nothing else."""

from chalice import Chalice

from chalicelib.cart.routes import routes as cart_routes
from chalicelib.catalog.categories import routes as category_routes
from chalicelib.catalog.pricelists import routes as pricelist_routes
from chalicelib.catalog.products import routes as product_routes
from chalicelib.catalog.storefront import routes as storefront_routes
from chalicelib.catalog.taxonomy import routes as attribute_routes
from chalicelib.cms.routes import routes as cms_routes
from chalicelib.core import providers
from chalicelib.core.http.routing import set_principal_loader
from chalicelib.core.observability import configure_logging
from chalicelib.docs.routes import routes as docs_routes
from chalicelib.localization.routes import routes as localization_routes
from chalicelib.methods.routes import routes as method_routes
from chalicelib.notifications import handlers as notification_handlers
from chalicelib.orders.editing_routes import routes as order_editing_routes
from chalicelib.orders.routes import routes as order_routes
from chalicelib.payments.routes import routes as payment_routes
from chalicelib.recommender.routes import routes as recommender_routes
from chalicelib.reviews.routes import routes as review_routes
from chalicelib.search import handlers as search_handlers
from chalicelib.search.routes import routes as search_routes
from chalicelib.users import service as user_service
from chalicelib.users.role_routes import routes as role_routes
from chalicelib.users.routes import routes as user_routes

configure_logging()
app = Chalice(app_name="ecoseller")
app.api.binary_types.extend(["multipart/form-data"])

set_principal_loader(user_service.load_principal)
# Services a lower package calls and a higher one provides (core/providers.py), imported on first use.
providers.provide(providers.ORDER_PAYMENTS, "chalicelib.payments.service")
providers.provide(providers.CATEGORY_RANKER, "chalicelib.recommender.positions")
providers.provide(providers.PAYMENT_KEYS, "chalicelib.payments.config")
providers.provide(providers.COUNTRIES, "chalicelib.localization.service")
providers.provide(providers.EVENT_PAYLOADS, "chalicelib.events")

FEATURES = (
    user_routes,
    role_routes,
    localization_routes,
    cms_routes,
    pricelist_routes.routes,
    attribute_routes.routes,
    category_routes.routes,
    product_routes.routes,
    storefront_routes.routes,
    method_routes,
    cart_routes,
    order_routes,
    order_editing_routes,
    review_routes,
    payment_routes,
    search_routes,
    recommender_routes,
    docs_routes,
)
for feature in FEATURES:
    app.register_blueprint(feature.blueprint)

notification_handlers.register(app)
search_handlers.register(app)
