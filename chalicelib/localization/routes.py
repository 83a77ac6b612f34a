"""`country/...` routes (contract table 1.8). Trailing slashes are optional.

Storefront reads are public; the shopper's address book needs a login; dashboard reads need staff and
every dashboard write a named permission (the original's open writes and ALWAYS-403 views are not copied).
"""

from chalicelib.core.auth.access import AUTHENTICATED, PUBLIC, STAFF, permission
from chalicelib.core.http.errors import NotFound
from chalicelib.core.http.routing import Req, Routes, empty, json_response
from chalicelib.core.lazy import lazy_module
from chalicelib.localization import schemas

# Imported when a localization route first runs.
service = lazy_module("chalicelib.localization.service")

routes = Routes(__name__, tag="localization")

COUNTRY_ADD = permission("country_add_permission")
COUNTRY_CHANGE = permission("country_change_permission")
CURRENCY_ADD = permission("currency_add_permission")
CURRENCY_CHANGE = permission("currency_change_permission")
VATGROUP_ADD = permission("vatgroup_add_permission")
VATGROUP_CHANGE = permission("vatgroup_change_permission")


def _found(value):
    if value is None:
        raise NotFound()
    return value


# --- countries -------------------------------------------------------------------------------------

@routes.route("/country/storefront", ["GET"], access=PUBLIC, summary="All countries, for the storefront (L1).",
              response="CountryList")
def storefront_countries(req: Req):
    return service.list_countries()


@routes.route("/country/storefront/{code}", ["GET"], access=PUBLIC,
              summary="One country, for the storefront; 404 when unknown (L3).", response="Country")
def storefront_country(req: Req, code: str):
    return _found(service.get_country(code))


# L5 is public in the contract: the same countries the storefront's L1 lists (codes, names, locales, price lists).
@routes.route("/country", ["GET"], access=PUBLIC, summary="All countries (L5).", response="CountryList")
def countries(req: Req):
    return service.list_countries()


@routes.route("/country", ["POST"], access=COUNTRY_ADD, body=schemas.COUNTRY_CREATE,
              summary="Create a country; locale must be a shop language (L6).", status=201, response="Country")
def create_country(req: Req):
    return json_response(service.create_country(req.data), 201)


@routes.route("/country/{code}", ["GET"], access=STAFF, summary="One country (L7).", response="Country")
def country(req: Req, code: str):
    return _found(service.get_country(code))


@routes.route("/country/{code}", ["PUT"], access=COUNTRY_CHANGE, body=schemas.COUNTRY_UPDATE,
              summary="Edit a country; its code cannot change (L7).", response="Country")
def update_country(req: Req, code: str):
    return service.update_country(code, req.data)


@routes.route("/country/{code}", ["DELETE"], access=COUNTRY_CHANGE, summary="Delete (soft) a country (L7).", status=204)
def delete_country(req: Req, code: str):
    service.delete_country(code)
    return empty(204)


# --- languages -------------------------------------------------------------------------------------

@routes.route("/country/languages", ["GET"], access=STAFF, summary="The shop languages, default first (L11).",
              response="LanguageList")
def languages(req: Req):
    return service.languages()


# --- currencies ------------------------------------------------------------------------------------

@routes.route("/country/currency", ["GET"], access=STAFF, summary="All currencies (L12).", response="CurrencyList")
def currencies(req: Req):
    return service.list_currencies()


@routes.route("/country/currency", ["POST"], access=CURRENCY_ADD, body=schemas.CURRENCY_CREATE,
              summary="Create a currency (L12).", status=201, response="Currency")
def create_currency(req: Req):
    return json_response(service.create_currency(req.data), 201)


@routes.route("/country/currency/{code}", ["GET"], access=STAFF, summary="One currency (L13).", response="Currency")
def currency(req: Req, code: str):
    return _found(service.get_currency(code))


@routes.route("/country/currency/{code}", ["PUT"], access=CURRENCY_CHANGE, body=schemas.CURRENCY_UPDATE,
              summary="Edit a currency; its code cannot change (L13).", response="Currency")
def update_currency(req: Req, code: str):
    return service.update_currency(code, req.data)


@routes.route("/country/currency/{code}", ["DELETE"], access=CURRENCY_CHANGE,
              summary="Delete (soft) a currency (L13).", status=204)
def delete_currency(req: Req, code: str):
    service.delete_currency(code)
    return empty(204)


# --- VAT groups ------------------------------------------------------------------------------------

@routes.route("/country/vat-group", ["GET"], access=STAFF, summary="All VAT groups (L8).", response="VatGroupList")
def vat_groups(req: Req):
    return service.list_vat_groups()


@routes.route("/country/vat-group", ["POST"], access=VATGROUP_ADD, body=schemas.VAT_GROUP_CREATE,
              summary="Create a VAT group; is_default replaces the country's previous default (L9).",
              status=201, response="VatGroup")
def create_vat_group(req: Req):
    return json_response(service.create_vat_group(req.data), 201)


@routes.route("/country/vat-group/{id}", ["GET"], access=STAFF, summary="One VAT group (L10).", response="VatGroup")
def vat_group(req: Req, id: str):
    return _found(service.get_vat_group(id))


@routes.route("/country/vat-group/{id}", ["PUT"], access=VATGROUP_CHANGE, body=schemas.VAT_GROUP_UPDATE,
              summary="Edit a VAT group (L10).", response="VatGroup")
def update_vat_group(req: Req, id: str):
    return service.update_vat_group(id, req.data)


@routes.route("/country/vat-group/{id}", ["DELETE"], access=VATGROUP_CHANGE, summary="Delete (soft) a VAT group (L10).",
              status=204)
def delete_vat_group(req: Req, id: str):
    service.delete_vat_group(id)
    return empty(204)


# --- the logged-in shopper's address book ----------------------------------------------------------

def _get_address(req: Req, kind: str):
    return service.get_address(req.require_user().email, kind) or {}


def _put_address(req: Req, kind: str):
    return service.save_address(req.require_user().email, kind, req.json_body())


def _delete_address(req: Req, kind: str):
    service.delete_address(req.require_user().email, kind)
    return {}


@routes.route("/country/storefront/address/shipping", ["GET"], access=AUTHENTICATED,
              summary="The shopper's shipping address, or {} (L20).", response="ShippingAddressOrEmpty")
def shipping_address(req: Req):
    return _get_address(req, "shipping")


@routes.route("/country/storefront/address/shipping", ["PUT"], access=AUTHENTICATED,
              reads=schemas.ADDRESS_SCHEMAS["shipping"],
              summary="Save the shopper's shipping address (created on first use); 400 {error: {...}} (L21).",
              response="ShippingAddress")
def save_shipping_address(req: Req):
    return _put_address(req, "shipping")


@routes.route("/country/storefront/address/shipping", ["DELETE"], access=AUTHENTICATED,
              summary="Delete (soft) the shopper's shipping address; answers {} (L22).", response="AddressDeleted")
def delete_shipping_address(req: Req):
    return _delete_address(req, "shipping")


@routes.route("/country/storefront/address/billing", ["GET"], access=AUTHENTICATED,
              summary="The shopper's billing address, or {} (L23).", response="BillingAddressOrEmpty")
def billing_address(req: Req):
    return _get_address(req, "billing")


@routes.route("/country/storefront/address/billing", ["PUT"], access=AUTHENTICATED,
              reads=schemas.ADDRESS_SCHEMAS["billing"],
              summary="Save the shopper's billing address (created on first use); 400 {error: {...}} (L24).",
              response="BillingAddress")
def save_billing_address(req: Req):
    return _put_address(req, "billing")


@routes.route("/country/storefront/address/billing", ["DELETE"], access=AUTHENTICATED,
              summary="Delete (soft) the shopper's billing address; answers {} (L25).", response="AddressDeleted")
def delete_billing_address(req: Req):
    return _delete_address(req, "billing")
