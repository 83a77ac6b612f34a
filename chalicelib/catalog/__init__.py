"""The catalog: price lists, product types, attribute types and values, categories, products with
their variants, prices and media, and the storefront's reads of all of them.

One sub-package per part, each with its `routes` (HTTP), `service` (the rules) and, where it keeps items
of its own, `store` (its keys, reads and writes: the only catalog modules that talk to the table,
tests/contract/test_storage_door.py):
* `pricelists`: price lists and the pointer naming the default one;
* `taxonomy`: product types, attribute types and attribute values (base attributes), their request
  schemas, consistent reads and transaction re-checks of the CATALOG partition's entities, demo data;
* `categories`: the category tree (kept in the CATALOG partition through taxonomy's store);
* `products`: product aggregates (variants, prices, media), their paged id list (GSI2), SKU and media-id
  uniqueness claims, the dashboard's and storefront's views of them;
* `storefront`: the storefront's product detail, category pages and filters.

Shared by several of them:
* `reference`: the small reference collections (categories, attribute types, attribute values, product
  types in the CATALOG partition; price lists in PRICING) and their cached whole-partition reads;
* `listing`: the compact per-category listings products write and storefront category pages read;
* `pricing.py`: a variant's price in a price list and country (storefront, cart, orders);
* `demo.py`: the demo shop's price lists, taxonomy and products.

Each sub-package's `response_schemas` holds the JSON Schemas (draft 2020-12) of what its routes answer, by
name: a route names one with `response="Name"`; the API document finds them beside the routes and puts them
all under `components/schemas`, so a name may be referred to from any package's schemas. They are derived
from what the code returns (checked on every HTTP test's response by tests/openapi_check.py); extra keys are
always allowed. They are imported only when the document is built.
"""
