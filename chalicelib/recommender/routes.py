"""`recommender/...` routes (contract table 1.12, section 8). Trailing slashes are optional.

* RS1 `POST recommender/storefront/<EVENT>/`: shopper events, queued for the RS; 201 even when the RS is
  down or not configured (a logged no-op then).
* RS2 `GET recommender/storefront/<SITUATION>/products/`: recommended products, popular products when no
  RS answers.
* RS3 `GET recommender/dashboard/recommender-system?date_from&date_to&page`: the RS's dashboard data
  passed through (`null` with no RS); staff only.
* RS4 `POST .../schedule-training`, RS5 `PUT .../config/`: write to the RS, so they need
  `notification_change_permission` (the right over what the shop sends to other systems).

Logged-in shoppers are sent to the RS as their e-mail (the original put the User object into the JSON
and answered 500 to every logged-in call).
"""

from __future__ import annotations

import logging

from chalice import Response

from chalicelib.core.auth.access import PUBLIC, STAFF, permission
from chalicelib.core.http.errors import ApiError
from chalicelib.core.http.routing import Req, Routes, empty, json_response
from chalicelib.core.lazy import lazy_module
from chalicelib.recommender import schemas

# Imported when a recommender route first runs: recommendations pull in the catalog and pricing.
client = lazy_module("chalicelib.recommender.client")
events = lazy_module("chalicelib.recommender.events")
recommendations = lazy_module("chalicelib.recommender.recommendations")

logger = logging.getLogger("ecoseller.recommender")

routes = Routes(__name__, tag="recommender")

RS_WRITE = permission("notification_change_permission")
UNKNOWN_EVENT = {"message": "Unknown event!"}
UNKNOWN_SITUATION = {"message": "Unknown RS situation!"}


def _user_id(req: Req) -> str | None:
    user = req.user
    return user.email if user is not None else None


@routes.route("/recommender/storefront/{event}", ["POST"], access=PUBLIC, reads=schemas.EVENT_BODY,
              summary="Record shopper events for the recommender: body {data: {...} | [{...}]} (RS1).", status=201)
def storefront_event(req: Req, event: str):
    if event not in schemas.EVENT_MODEL_CLASSES:
        raise ApiError(UNKNOWN_EVENT, 404)
    items = schemas.event_items(req.json_body())
    events.record_storefront_event(event, items, _user_id(req))
    return empty(201)


@routes.route("/recommender/storefront/{situation}/products", ["GET"], access=PUBLIC,
              summary="Recommended products (ProductStorefrontList) for a storefront situation; popular "
                      "products when no recommender answers (RS2).", response="RecommendedProductList", errors=(400,))
def storefront_recommendations(req: Req, situation: str):
    if situation not in schemas.SITUATIONS:
        raise ApiError(UNKNOWN_SITUATION, 404)
    query = schemas.recommendation_query(situation, req.query)
    return recommendations.recommend(query, _user_id(req), req.language, req.origin())


@routes.route("/recommender/dashboard/recommender-system", ["GET"], access=STAFF, query=schemas.DASHBOARD_QUERY,
              summary="The recommender's dashboard data (?date_from&date_to&page=configuration|performance|"
                      "training), passed through; null when no recommender is configured (RS3).",
              response="RecommenderDashboard", errors=(400, 502))
def dashboard(req: Req):
    query = schemas.DASHBOARD_QUERY.validate(req.query)
    if not client.is_configured():
        return Response(body="null", status_code=200, headers={"Content-Type": "application/json"})
    try:
        return json_response(client.dashboard(query["page"], query["date_from"], query["date_to"]))
    except client.RecommenderError as error:
        logger.warning("recommender dashboard %s failed: %s", query["page"], error)
        raise ApiError({"error": "The recommender system did not answer."}, 502) from None


@routes.route("/recommender/dashboard/recommender-system/schedule-training", ["POST"], access=RS_WRITE,
              body=schemas.SCHEDULE_TRAINING, summary="Queue a training of one recommender model (RS4).",
              response="RecommenderAccepted")
def schedule_training(req: Req):
    events.schedule_training(req.data["model_name"])
    return {}


@routes.route("/recommender/dashboard/recommender-system/config", ["PUT"], access=RS_WRITE,
              body=schemas.RS_CONFIG,
              summary="Send the recommender its configuration (camelCase keys, contract section 8) (RS5).",
              response="RecommenderAccepted")
def save_config(req: Req):
    events.save_config(schemas.rs_config(req.json_body(), req.data))
    return {}
