"""The catalog's storage: the only catalog modules that talk to the table (tests/contract/test_storage_door.py).

One module per part of the catalog, so each part's keys and writes sit beside the code that needs them:
* `reference`: the small reference collections (categories, attribute types, attribute values, product
  types in the CATALOG partition; price lists in PRICING) and their cached whole-partition reads;
* `taxonomy`: consistent reads and transaction re-checks of the CATALOG partition's entities;
* `pricelists`: the pointer naming the default price list;
* `products`: product aggregates, their paged id list (GSI2), SKU and media-id uniqueness claims;
* `listing`: the compact per-category listings storefront category pages read.
"""
