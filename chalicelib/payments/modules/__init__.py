"""The built-in payment methods, one class per file: `BankTransfer` (QR bank transfer: SPD, PAY by square,
EPC) and `TestGateway` (a simulated hosted payment page). A merchant's method can live here too, or in
any file the config points to (see chalicelib/payments/README.md).

The files keep the original's names so that `api.payments.modules.BankTransfer.BankTransfer` maps onto
`chalicelib.payments.modules.BankTransfer.BankTransfer` (config.ALIASES).
"""
