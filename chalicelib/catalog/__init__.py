"""The catalog: price lists, product types, attribute types and values, categories, products with
their variants, prices and media, and the storefront's reads of all of them."""
