"""The key schema of the `main` table: one function per entity, with what its keys mean.

Every item has PK and SK. Items that must be listed carry GSI1PK (the kind of thing) and GSI1SK (its
order within the list), so a list page is a Query on GSI1, never a Scan. Items that expire carry `ttl`
(epoch seconds). Aggregates (an order with its lines, a product with its variants) are one item where
they fit in 400 KB.
"""

from __future__ import annotations


def user(email: str) -> dict:
    """A user account, keyed by e-mail (the contract's user id). GSI1: USERS / email."""
    return {"PK": f"USER#{email}", "SK": "PROFILE"}


USERS_LIST = "USERS"


def group(name: str) -> dict:
    """A role (manager group) with its permission names. GSI1: GROUPS / name."""
    return {"PK": f"GROUP#{name}", "SK": "GROUP"}


GROUPS_LIST = "GROUPS"


def revoked_token(jti: str) -> dict:
    """A blacklisted refresh token (logout); expires (ttl) when the token would have."""
    return {"PK": f"TOKEN#{jti}", "SK": "REVOKED"}


def counter(name: str) -> dict:
    """An atomic integer-id counter: attribute `value` is the last id handed out."""
    return {"PK": "COUNTER", "SK": name}


def migration(migration_id: str) -> dict:
    """A data migration that has been applied (written once, conditionally)."""
    return {"PK": "MIGRATION", "SK": migration_id}


def unique(kind: str, value: str) -> dict:
    """A uniqueness claim (e.g. a CMS category type's identifier), written in the same transaction as
    the item that owns the value; `owner` holds that item's id."""
    return {"PK": f"UNIQUE#{kind}#{value}", "SK": "UNIQUE"}


def login_failures(scope: str) -> dict:
    """Failed-login counter for one client address or one address+e-mail (login throttling); expires."""
    return {"PK": f"LOGINFAIL#{scope}", "SK": "COUNTER"}


# Entities with an id (integer from a counter, or a natural code) stored one item each through
# core/store/entities.Collection: PK = "<KIND>#<id>", SK = "<KIND>", GSI1PK = "<KIND>#LIST" (or
# "<KIND>#DELETED" once soft-deleted), GSI1SK = the id, zero-padded when numeric, so lists come back
# in id order. The kinds:
#   PAGE          a CMS page (PageCMS or PageFrontend: `resourcetype`), integer id; its Editor.js content
#                 is a second item (SK = "CONTENT"), and slug pointers PK = "PAGESLUG#<lang>#<slug>"
#                 find it (details in cms/store.py)
#   PAGECATEGORY  a CMS page category (code, types, translations), integer id
#   PAGECATTYPE   a CMS page category type (unique identifier such as HEADER), integer id
#   ADDRESS       a saved billing or shipping address (`kind`), integer id; a user's address book
#                 entries carry GSI1PK = "ADDRESS#USER#<email>#<kind>" instead of the list key
# Small reference collections share a partition instead (PK = partition, SK = "<KIND>#<id>"):
#   CATALOG       CATEGORY, ATTRTYPE (attribute type), ATTRVALUE (base attribute), PRODUCTTYPE
#   PRICING       PRICELIST, and the pointer SK "DEFAULT#PRICELIST" naming the default price list;
#                 COUNTRY (id = ISO code), CURRENCY (id = ISO code), VATGROUP (integer id) and one pointer
#                 SK "VATDEFAULT#<country>" per country naming its default VAT group (localization/store.py)
#   METHODS       SHIPPINGMETHOD, PAYMENTMETHOD, SHIPPINGCOUNTRY, PAYMENTCOUNTRY (integer ids; methods/store.py)
# Carts, orders, complaints, stats and sales counters, and reviews document their keys in their packages:
# cart/store.py, orders/store.py, orders/complaints.py, orders/stats.py, orders/sales.py, reviews/store.py.


def product(product_id: int) -> dict:
    """A product aggregate: translations, variants with their prices and attributes, media, `version`.
    GSI2 (keys only): "PRODUCTS" / zero-padded id, for the dashboard's paged list."""
    return {"PK": f"PRODUCT#{product_id}", "SK": "PRODUCT"}


PRODUCTS_LIST = "PRODUCTS"


def product_list_sort_key(product_id: int) -> str:
    """A product's GSI2SK in the PRODUCTS list: its id zero-padded, so the list comes back in id order."""
    return entity_sort_key(int(product_id))


def category_listing(category_id: int | None) -> dict:
    """The compact listing of the products directly in one category (storefront category pages read
    the listings of a category and its descendants, then fetch one page of products by key)."""
    return {"PK": f"LISTING#{category_id if category_id is not None else 'NONE'}", "SK": "LISTING"}

# Uniqueness claims used by the catalog: unique("SKU", sku) -> {owner: product id};
# unique("PRODUCTMEDIA", media id) -> {owner: product id} (a media id finds its product).


def entity(kind: str, entity_id: str | int) -> dict:
    return {"PK": f"{kind}#{entity_id}", "SK": kind}


def entity_sort_key(entity_id: str | int) -> str:
    return f"{entity_id:012d}" if isinstance(entity_id, int) else str(entity_id)


REFERENCE_VERSION_SK = "~VERSION"  # sorts after every entity's SK of the partition


def reference_version(partition: str) -> dict:
    """The version of a small reference partition (CATALOG, PRICING): attribute `version`, bumped by
    every write to the partition, so containers re-read it only when it changed (store/versioned.py).
    It lives in the partition it versions, so the Query that reads the partition reads it too."""
    return {"PK": partition, "SK": REFERENCE_VERSION_SK}


def outbox_event(event_id: str) -> dict:
    """An event in the outbox table (core/events.py): one item per event, or per batch of events."""
    return {"PK": event_id, "SK": "EVENT"}
