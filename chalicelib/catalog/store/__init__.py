"""The catalog's storage: the only catalog modules that talk to the table (tests/contract/test_storage_door.py).

One module per part of the catalog, so each part's keys and writes sit beside the code that needs them:
* `taxonomy`: the CATALOG partition's categories, attribute types, attribute values and product types
  (reference.py declares those collections; this module reads them consistently and re-checks them in
  transactions);
* `pricelists`: the pointer naming the default price list;
* `products`: product aggregates, their paged id list (GSI2), SKU and media-id uniqueness claims;
* `listing`: the compact per-category listings storefront category pages read.
"""
