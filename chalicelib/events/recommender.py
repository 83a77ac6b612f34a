"""The recommender's events: the shopper events (RS1), a list of the storefront's items with `user_id` and
`_model_class` added (chalicelib/recommender/events.py), and RECOMMENDER_* with what RS4/RS5 send."""

from __future__ import annotations

from typing import Annotated, Literal

from chalicelib.core.event_names import (
    PRODUCT_ADD_TO_CART,
    PRODUCT_DETAIL_ENTER,
    PRODUCT_DETAIL_LEAVE,
    RECOMMENDATION_VIEW,
    RECOMMENDER_CONFIG_SAVE,
    RECOMMENDER_TRAINER_QUEUE_ITEM_SAVE,
)
from chalicelib.events.common import MODEL
from chalicelib.events.registry import register
from chalicelib.events.shape import note, payload

_SHOPPER_EVENTS = note(minItems=1, maxItems=100,
                       description="the storefront's events (POST recommender/storefront/<EVENT>/), sent to the "
                                   "recommender's store_objects")


@payload(exact=False)
class ShopperEvent:
    _model_class: Annotated[str, MODEL]
    user_id: Annotated[str | None, note(description="the logged-in shopper's e-mail, or null")]
    session_id: str | None = None
    product_id: int | None = None
    product_variant_sku: str | None = None
    recommendation_type: str | None = None
    model_identifier: str | None = None
    model_name: str | None = None
    position: int | None = None


@payload(exact=False)
class ProductDetailEnter(ShopperEvent):
    _model_class: Annotated[Literal["ProductDetailEnter"], MODEL]


@payload(exact=False)
class ProductDetailLeave(ShopperEvent):
    _model_class: Annotated[Literal["ProductDetailLeave"], MODEL]
    time_spent: float | None = None


@payload(exact=False)
class ProductAddToCart(ShopperEvent):
    _model_class: Annotated[Literal["ProductAddToCart"], MODEL]


@payload(exact=False)
class RecommendationView(ShopperEvent):
    _model_class: Annotated[Literal["RecommendationView"], MODEL]


Cascade = list[str] | None


@payload(exact=False, description="the recommender's configuration as the dashboard sends it (camelCase)")
class RecommenderConfig:
    _model_class: Annotated[Literal["Config"], MODEL]
    retrievalSize: int = None  # noqa: N815 - the recommender's names
    orderingSize: int = None  # noqa: N815
    models_disabled: dict[str, bool] = None
    homepageRetrievalCascade: Cascade = None  # noqa: N815
    homepageScoringCascade: Cascade = None  # noqa: N815
    categoryListRetrievalCascade: Cascade = None  # noqa: N815
    categoryListScoringCascade: Cascade = None  # noqa: N815
    productDetailRetrievalCascade: Cascade = None  # noqa: N815
    productDetailScoringCascade: Cascade = None  # noqa: N815
    cartRetrievalCascade: Cascade = None  # noqa: N815
    cartScoringCascade: Cascade = None  # noqa: N815
    easeConfig: dict = None  # noqa: N815
    gru4recConfig: dict = None  # noqa: N815


@payload(exact=True)
class TrainerQueueItem:
    _model_class: Annotated[Literal["TrainerQueueItem"], MODEL]
    model_name: str


register(PRODUCT_DETAIL_ENTER, Annotated[list[ProductDetailEnter], _SHOPPER_EVENTS],
         "a shopper opened a product page")
register(PRODUCT_DETAIL_LEAVE, Annotated[list[ProductDetailLeave], _SHOPPER_EVENTS], "a shopper left a product page")
register(PRODUCT_ADD_TO_CART, Annotated[list[ProductAddToCart], _SHOPPER_EVENTS],
         "a shopper added a variant to the cart")
register(RECOMMENDATION_VIEW, Annotated[list[RecommendationView], _SHOPPER_EVENTS],
         "a shopper saw a recommendation")
register(RECOMMENDER_CONFIG_SAVE, RecommenderConfig, "the recommender's configuration saved in the dashboard (RS5)")
register(RECOMMENDER_TRAINER_QUEUE_ITEM_SAVE, TrainerQueueItem,
         "a model training scheduled in the dashboard (RS4)")
