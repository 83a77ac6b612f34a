"""Shipping and payment methods with their per-country rows (contract 1.3 K1-K21, K32; data model 3.3).

* `routes.py`: the dashboard administration and the storefront's K32, thin.
* `service.py`: the behaviour, and the API the cart and checkout call (documented there):
  `get_shipping_country(row_id)`, `get_payment_country(row_id)`, `method_country_view(kind, row,
  language, origin=None)`, `gross_price(row)`, `snapshot(kind, row, language, origin=None)`.
* `views.py`: the JSON shapes; `schemas.py`: request bodies; `store.py`: the METHODS partition.
* `demo.py`: `load_demo()`, the local shop's demo methods.
"""
