"""The catalogue of manager permissions: `<model>_<type>_permission`, as the original names them.

Every permission a route checks is here (a test holds the route table to that), plus the ones the
dashboard's role editor offers (`productprice_*`, `page_*`, `cart_add`, `order_add`).
"""

from __future__ import annotations

# model -> human name, for descriptions ("Can change product type")
MODELS: dict[str, str] = {
    "product": "product",
    "productprice": "product price",
    "productmedia": "product media",
    "producttype": "product type",
    "pricelist": "price list",
    "attributetype": "attribute type",
    "baseattribute": "base attribute",
    "category": "category",
    "cart": "cart",
    "order": "order",
    "review": "review",
    "page": "page",
    "user": "user",
    "group": "group",
    "country": "country",
    "currency": "currency",
    "vatgroup": "VAT group",
    "paymentmethod": "payment method",
    "shippingmethod": "shipping method",
    "notification": "notification",
}
TYPES = ("add", "change")

# What `GET roles/permissions` lists for the dashboard's role editor (contract G11): the models whose
# permissions it shows.
ROLE_EDITOR_MODELS = ("group", "cart", "category", "page", "productprice", "productmedia", "product", "user", "order")


def describe(name: str) -> dict | None:
    """`{name, model, description, type}` of a permission name, or None if it is not one."""
    if not name.endswith("_permission"):
        return None
    model, _, kind = name[: -len("_permission")].rpartition("_")
    if model not in MODELS or kind not in TYPES:
        return None
    return {"name": name, "model": model, "description": f"Can {kind} {MODELS[model]}", "type": kind}


def all_permissions() -> list[dict]:
    return [describe(f"{model}_{kind}_permission") for model in MODELS for kind in reversed(TYPES)]


def role_editor_permissions() -> list[dict]:
    return [p for p in all_permissions() if p["model"] in ROLE_EDITOR_MODELS]


def is_known(name: str) -> bool:
    return describe(name) is not None
