"""PaymentAPI (contract section 5): pluggable payment methods bound to payment method countries through
`api_request`, QR bank transfers (qr/), online gateways, callbacks and the storefront's payment block.

The packages below it reach `service.payment_block(order, api_base_url(req))` (the order page, O10),
`service.payment_summary(order)` (the dashboard's order detail) and `config.is_known_key(key)` (binding
a method country) through core/providers.py, which app.py wires to these modules; the order item's
`payment` record is written by orders/store.py functions. Merchants: README.md in this folder.
"""
