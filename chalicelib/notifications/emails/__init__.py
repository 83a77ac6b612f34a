"""E-mails of the EMAIL action: one template method per e-mail, rendered from the event payload in the
customer's language (English and Czech shipped), as HTML and plain text.

`METHODS` are the names the config may use (the original's EmailConnector methods).
"""

from __future__ import annotations

METHODS: tuple[str, ...] = (
    "send_order_confirmation",
    "send_review_request",
    "send_order_complaint_confirmation",
    "send_order_complaint_status_update",
)
