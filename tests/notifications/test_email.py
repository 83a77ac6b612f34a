"""The EMAIL action through SES (moto): order confirmation, review request, complaint e-mails, in English
and Czech, HTML and plain text."""

from __future__ import annotations

import email
import email.policy

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.core.store import db
from tests.notifications import conftest


def put_event(event_type: str, payload: dict, **kwargs) -> dict:
    """The e-mails are built from typed payloads: the ones here are held to their types when written."""
    return conftest.put_event(event_type, payload, checked=True, **kwargs)


SENDER = "shop@example.com"
TOKEN = "6f1c7f2e-6f0e-4a55-9d1f-0c1a2b3c4d5e"


def order_detail(country="CZ", **cart_extra) -> dict:
    """OrderDetail (contract O5) with the cart fields the confirmation reads (chalicelib/events/orders.py)."""
    cart = {
        "token": "c1",
        "cart_items": [
            {"id": 11, "product_id": 1, "product_variant_sku": "SH-1", "product_slug": "blue-shirt",
             "product_title": "Blue <shirt>", "product_variant_name": "Blue <shirt>: Size: M",
             "unit_price_without_vat": "100.00", "unit_price_incl_vat": "121.00",
             "unit_price_incl_vat_formatted": "121 Kč", "base_price_incl_vat_formatted": "150 Kč",
             "total_price_incl_vat_formatted": "363 Kč", "quantity": 3, "discount": None, "complaints": []},
            {"id": 12, "product_id": 2, "product_variant_sku": "MUG-1", "product_variant_name": "Mug",
             "unit_price_incl_vat_formatted": "181.50 Kč", "total_price_incl_vat_formatted": "181.50 Kč",
             "quantity": 1, "complaints": []},
        ],
        "update_at": "2027-01-15T10:00:00Z",
        "total_items_price_incl_vat_formatted": "544.50 Kč",
        "total_price_incl_vat_formatted": "677.60 Kč",
        "shipping_method_country": {"id": 1, "title": "Courier", "price_incl_vat": "121 Kč"},
        "payment_method_country": {"id": 2, "title": "Bank transfer", "price_incl_vat": "12.10 Kč"},
        "country": country,
        "shipping_info": {"first_name": "Jana", "surname": "Nováková", "street": "Dlouhá 1", "city": "Praha",
                          "postal_code": "110 00", "country": "CZ", "email": "jana@example.com",
                          "phone": "+420 123 456 789"},
        "billing_info": {"first_name": "Jana", "surname": "Nováková", "street": "Dlouhá 1", "city": "Praha",
                         "postal_code": "110 00", "country": "CZ", "company_name": "Nováková s.r.o.",
                         "company_id": "12345678", "vat_number": "CZ12345678"},
        **cart_extra,
    }
    return {"token": TOKEN, "cart": cart, "safe_deleted": False, "create_at": "2027-01-15T10:00:00.000Z",
            "status": "PENDING", "marketing_flag": False, "agreed_to_terms": True, "payment_id": None}


def order_save_payload(**kwargs) -> dict:
    order = order_detail(**kwargs)
    return {"token": TOKEN, "customer_email": "jana@example.com", "order": order,
            "product_variants": [["SH-1", 3], ["MUG-1", 1]], "_model_class": "Order", "session_id": "s1"}


@pytest.fixture
def mail(harness, monkeypatch):
    monkeypatch.setenv("EMAIL_FROM", SENDER)
    monkeypatch.setenv("STOREFRONT_URL", "https://shop.test/")
    db.aws_client("ses").verify_email_identity(EmailAddress=SENDER)
    backend = ses_backends[DEFAULT_ACCOUNT_ID]["eu-central-1"]

    def sent() -> list[email.message.EmailMessage]:
        return [email.message_from_string(m.raw_data, policy=email.policy.default) for m in backend.sent_messages]

    return sent


def parts(message) -> tuple[str, str]:
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def test_order_confirmation_in_the_order_country_language(harness, mail):
    from chalicelib.localization import service as localization

    localization.create_country({"code": "CZ", "name": "Česká republika", "locale": "cs"})
    put_event("ORDER_SAVE", order_save_payload(country="CZ"))  # the shipped config: HTTP, EMAIL, RECOMMENDERAPI
    harness.run()

    (message,) = mail()
    assert message["Subject"] == "Potvrzení objednávky"
    assert message["To"] == "jana@example.com" and message["From"] == SENDER
    assert message["Content-Language"] == "cs"
    text, html = parts(message)
    for expected in (TOKEN, "15. 01. 2027", "Doručovací adresa", "Jana Nováková", "Dlouhá 1", "110 00 Praha",
                     "Česká republika", "jana@example.com", "+420 123 456 789", "Nováková s.r.o.",
                     "IČO: 12345678", "DIČ: CZ12345678", "Doprava: Courier", "Platba: Bank transfer",
                     "Blue <shirt>", "SH-1", "3 x 150 Kč -> 121 Kč = 363 Kč", "Mug", "MUG-1",
                     "Zboží celkem: 544.50 Kč", "Doprava: 121 Kč", "Platba: 12.10 Kč", "Celkem vč. DPH: 677.60 Kč"):
        assert expected in text, expected
    assert "Blue &lt;shirt&gt;" in html and "<shirt>" not in html
    assert "<s style=" in html and "150 Kč" in html and "677.60 Kč" in html
    assert '<html lang="cs">' in html
    by_type = {d["action"]["type"]: d["status"] for d in harness.deliveries()}
    assert by_type == {"HTTP": "SKIPPED", "EMAIL": "SUCCEEDED", "RECOMMENDERAPI": "SKIPPED"}


def test_order_confirmation_in_english_from_the_bare_contract_payload(harness, mail):
    """Only what section 6 documents (OrderDetail with the K23 cart): the e-mail leaves out what is missing."""
    order = order_detail(country=None)
    for key in ("shipping_info", "billing_info", "shipping_method_country", "payment_method_country", "country"):
        order["cart"].pop(key)
    put_event("ORDER_SAVE", {"token": TOKEN, "customer_email": "jana@example.com", "order": order,
                             "product_variants": [], "_model_class": "Order", "session_id": "s"})
    harness.run()
    (message,) = mail()
    assert message["Subject"] == "Order confirmation"
    text, html = parts(message)
    assert TOKEN in text and "Items total: 544.50 Kč" in text and "Total incl. VAT: 677.60 Kč" in text
    assert "Shipping address" not in text and "Billing address" not in text
    assert '<html lang="en">' in html


def test_review_request_is_sent_seven_days_later_with_the_review_link(harness, mail):
    put_event("REVIEW_SEND", {"token": TOKEN, "order": order_detail(country={"code": "CZ", "locale": "cs"})})
    harness.run(advance=False)
    assert mail() == []
    harness.run()  # the test clock moves to the scheduled time
    (message,) = mail()
    assert message["Subject"] == "Ohodnoťte Vaši objednávku"
    text, html = parts(message)
    assert f"Ohodnotit objednávku: https://shop.test/review/{TOKEN}" in text
    assert f'href="https://shop.test/review/{TOKEN}"' in html and "Ohodnoťte prosím Vaši objednávku" in html


@pytest.mark.parametrize(("kind", "language", "subject", "line"), [
    ("RETURN", "en", "Order item complaint confirmation", "You have created the following item return request:"),
    ("WARRANTY_CLAIM", "cs", "Potvrzení o vytvoření požadavku", "Vytvořili jste následující reklamaci položky:"),
])
def test_complaint_created(harness, mail, kind, language, subject, line):
    put_event("ORDER_ITEM_COMPLAINT_CREATED", {
        "complaint_id": 5, "order_token": TOKEN, "customer_email": "jana@example.com", "language": language,
        "complaint": {"id": 5, "type": kind, "status": "CREATED", "order": TOKEN,
                      "product_variant_name": "Blue shirt: Size: M"}})
    harness.run()
    (message,) = mail()
    assert message["Subject"] == subject
    text, _html = parts(message)
    assert line in text and "Blue shirt: Size: M" in text and f"https://shop.test/review/{TOKEN}" in text


@pytest.mark.parametrize(("kind", "status", "subject", "status_line"), [
    ("WARRANTY_CLAIM", "APPROVED", "Warranty claim status update", "Status: APPROVED"),
    ("RETURN", "DECLINED", "Return request status update", "Status: DECLINED"),
])
def test_complaint_status_update(harness, mail, kind, status, subject, status_line):
    """The complaint's details found in the order's cart item when the payload has only ids."""
    order = order_detail()
    put_event("ORDER_ITEM_COMPLAINT_UPDATED", {"complaint_id": 9, "order_token": TOKEN, "order": order,
                                               "complaint": {"id": 9, "type": kind, "status": status,
                                                             "cart_item": 12}})
    harness.run()
    (message,) = mail()
    assert message["Subject"] == subject
    text, _html = parts(message)
    assert status_line in text and "Mug" in text


def test_complaint_status_update_in_czech(harness, mail):
    put_event("ORDER_ITEM_COMPLAINT_UPDATED", {"complaint_id": 9, "order_token": TOKEN,
                                               "customer_email": "jana@example.com", "language": "cs_CZ",
                                               "complaint": {"id": 9, "type": "RETURN", "status": "APPROVED",
                                                             "product_variant_sku": "SH-1"}})
    harness.run()
    (message,) = mail()
    assert message["Subject"] == "Aktualizace stavu žádosti o vrácení"
    assert "Stav: SCHVÁLENO" in parts(message)[0]


def test_a_payload_without_recipient_fails_without_retry(harness, mail):
    put_event("ORDER_ITEM_COMPLAINT_CREATED", {"complaint_id": 5, "order_token": TOKEN,  # nothing to send to
                                               "complaint": {"id": 5, "type": "RETURN", "status": "CREATED"}})
    harness.run()
    assert mail() == []
    email_delivery = next(d for d in harness.deliveries() if d["action"]["type"] == "EMAIL")
    assert email_delivery["status"] == "FAILED" and email_delivery["attempts"] == 1
    assert "no recipient" in email_delivery["log"][-1]["error"]


def test_without_email_from_the_email_action_is_a_logged_no_op(harness, mail, monkeypatch):
    monkeypatch.delenv("EMAIL_FROM")
    put_event("REVIEW_SEND", {"token": TOKEN, "customer_email": "jana@example.com"})
    harness.run()
    (delivery,) = harness.deliveries()
    assert delivery["status"] == "SKIPPED" and "EMAIL_FROM" in delivery["log"][-1]["error"]
    assert mail() == []


def test_an_unverified_sender_is_a_permanent_failure(harness, mail, monkeypatch):
    monkeypatch.setenv("EMAIL_FROM", "nobody@unverified.example")
    put_event("ORDER_ITEM_COMPLAINT_CREATED", {"complaint_id": 1, "order_token": TOKEN,
                                               "customer_email": "jana@example.com",
                                               "complaint": {"id": 1, "type": "RETURN", "status": "CREATED"}})
    harness.run()
    email_delivery = next(d for d in harness.deliveries() if d["action"]["type"] == "EMAIL")
    assert email_delivery["status"] == "FAILED" and email_delivery["attempts"] == 1
    assert "MessageRejected" in email_delivery["log"][-1]["error"]


def test_a_recipient_that_is_no_address_is_refused(harness, mail):
    put_event("REVIEW_SEND", {"token": TOKEN, "customer_email": "jana@example.com\nBcc: all@example.com"})
    harness.clock.advance(8 * 24 * 3600)
    harness.run()
    (delivery,) = harness.deliveries()
    assert delivery["status"] == "FAILED" and "not an e-mail address" in delivery["log"][-1]["error"]
    assert mail() == []
