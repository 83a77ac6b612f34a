# ruff: noqa: E501 - SQL rows as a dump writes them, one per line
"""A small hand-written ecoseller dump (the original's tables and columns, TablePlus style) with the
awkward cases the demo dump has or could have: soft-deleted rows, a variant linked to no product and
one linked twice, a parent category deleted, a translation in a language the shop does not have, a
VAT group id gap, a deleted price list, a group this shop does not have; shipping and payment methods
with an unknown and a lower-case `api_request`, a row whose VAT group is another country's, a link to
another country's payment row, rows of a deleted method and currency; orders with their carts (one
cart's token in capitals, a deleted cart item, an order without a cart), a complaint, a cart without
an order; reviews, of which a second one of the same (order, variant), one rated -1, one without an
order, one of a deleted product and a deleted one; saved addresses of a user (two billing ones) and of
a user who is not in the dump."""

from __future__ import annotations

from chalicelib.core.auth import passwords

ADMIN_PASSWORD = "admin-pw"
STAFF_PASSWORD = "staff-pw"


def hashes() -> tuple[str, str]:
    # Django's format with the original's cost would be 320000 iterations; a low count keeps tests fast.
    return (passwords.make_password(ADMIN_PASSWORD, 1200, salt="8h2X6GJp80TCzVtlv2tvT8"),
            passwords.make_password(STAFF_PASSWORD, 1200, salt="69UGz2IjZSwpFDGIBbTxLt"))


def sql() -> str:
    admin_hash, staff_hash = hashes()
    return f"""-- -------------------------------------------------------------
-- TablePlus 4.6.4(414)
-- Database: ecoseller
-- -------------------------------------------------------------

DROP TABLE IF EXISTS "public"."category_category";
CREATE TABLE "public"."category_category" (
    "id" int8 NOT NULL DEFAULT nextval('category_category_id_seq'::regclass),
    "lft" int4 NOT NULL CHECK (lft >= 0),
    "parent_id" int8,
    "create_at" timestamptz NOT NULL,
    "published" bool NOT NULL,
    "update_at" timestamptz NOT NULL,
    "safe_deleted" bool NOT NULL,
    PRIMARY KEY ("id")
);

INSERT INTO "public"."auth_group" ("id", "name") VALUES
(1, 'Editor'),
(9, 'Ghost');

INSERT INTO "public"."cart_cart" ("token", "update_at", "create_at", "country_id", "user_id", "billing_info_id", "shipping_info_id", "payment_method_country_id", "shipping_method_country_id", "pricelist_id", "safe_deleted") VALUES
('0b10dfad-7357-4d80-b173-cbf7383b3b9f', '2023-07-18 08:47:43.188325+00', '2023-07-18 08:47:43.143757+00', 'CZ', NULL, NULL, NULL, NULL, NULL, 'CZK_retail', 'f'),
('C637D1B1-D5FD-4A15-A14F-1E57B6B94A4D', '2023-07-18 10:44:37.117687+00', '2023-07-18 10:44:05.755838+00', 'CZ', 'shop@example.com', 1, 1, 2, 1, 'CZK_retail', 'f'),
('7d0e5b1e-8a59-4c3e-9d55-1f3c2a8b9e01', '2023-07-19 09:00:00.5+00', '2023-07-19 08:55:00+00', 'SK', NULL, 2, 2, 5, 3, 'EUR_retail', 'f');

INSERT INTO "public"."cart_cartitem" ("id", "unit_price_incl_vat", "unit_price_without_vat", "quantity", "cart_id", "product_variant_id", "product_id", "discount", "safe_deleted") VALUES
(1, 121.00, 100.00, 1, '0b10dfad-7357-4d80-b173-cbf7383b3b9f', '10-cs-720p', 10, NULL, 'f'),
(2, 181.50, 150.00, 2, 'C637D1B1-D5FD-4A15-A14F-1E57B6B94A4D', '10-en-1080p', 10, NULL, 'f'),
(3, 108.90, 90.00, 1, 'C637D1B1-D5FD-4A15-A14F-1E57B6B94A4D', '11-en-720p', 11, NULL, 'f'),
(4, 1.00, 1.00, 5, 'C637D1B1-D5FD-4A15-A14F-1E57B6B94A4D', '11-en-720p', 11, NULL, 't'),
(5, 4.32, 3.60, 3, '7d0e5b1e-8a59-4c3e-9d55-1f3c2a8b9e01', '10-cs-720p', 10, NULL, 'f');

INSERT INTO "public"."cart_paymentmethod" ("id", "image", "update_at", "create_at", "safe_deleted") VALUES
(1, '', '2023-07-07 07:37:13.917893+00', '2023-07-07 07:34:55.724067+00', 'f'),
(2, 'payment_method/2.png', '2023-07-07 07:42:04.825276+00', '2023-07-07 07:37:17.523842+00', 'f'),
(4, '', '2023-07-07 07:42:04.825276+00', '2023-07-07 07:37:17.523842+00', 't');

INSERT INTO "public"."cart_paymentmethod_translation" ("id", "language_code", "title", "description", "master_id") VALUES
(1, 'en', 'Cash on delivery', 'You''ll pay to the courier.', 1),
(2, 'cs', 'Dobírka', NULL, 1),
(3, 'en', 'Bank transfer', NULL, 2),
(4, 'cs', 'Platba převodem', NULL, 2),
(5, 'de', 'Überweisung', NULL, 2);

INSERT INTO "public"."cart_paymentmethodcountry" ("id", "price", "is_active", "update_at", "create_at", "country_id", "currency_id", "payment_method_id", "vat_group_id", "api_request", "safe_deleted") VALUES
(1, 20.00, 't', '2023-07-07 07:35:42.187675+00', '2023-07-07 07:35:42.187695+00', 'CZ', 'CZK', 1, 1, NULL, 'f'),
(2, 0.00, 't', '2023-07-07 07:38:33.17811+00', '2023-07-07 07:38:33.178168+00', 'CZ', 'CZK', 2, 1, 'BANKTRANSFER_CZK', 'f'),
(3, 0.00, 't', '2023-07-07 07:38:33.17811+00', '2023-07-07 07:38:33.178168+00', 'DE', 'EUR', 2, 1, 'BANKTRANSFER_PLN', 'f'),
(4, 0.00, 'f', '2023-07-07 07:38:33.17811+00', '2023-07-07 07:38:33.178168+00', 'CZ', 'CZK', 2, 2, 'test_api', 'f'),
(5, 1.00, 't', '2023-07-07 07:38:33.17811+00', '2023-07-07 07:38:33.178168+00', 'SK', 'EUR', 2, 5, 'BANKTRANSFER_EUR', 'f'),
(6, 1.00, 't', '2023-07-07 07:38:33.17811+00', '2023-07-07 07:38:33.178168+00', 'SK', 'EUR', 4, 5, NULL, 'f'),
(7, 1.00, 't', '2023-07-07 07:38:33.17811+00', '2023-07-07 07:38:33.178168+00', 'SK', 'EUR', 1, 5, NULL, 't'),
(9, 1.00, 't', '2023-07-07 07:38:33.17811+00', '2023-07-07 07:38:33.178168+00', 'SK', 'XXX', 1, 5, NULL, 'f');

INSERT INTO "public"."cart_shippingmethod" ("id", "image", "update_at", "create_at", "safe_deleted") VALUES
(1, '', '2023-07-07 09:21:55.395014+00', '2023-07-07 07:26:48.518684+00', 'f'),
(2, '', '2023-07-07 08:01:02.209433+00', '2023-07-07 07:32:27.758993+00', 'f');

INSERT INTO "public"."cart_shippingmethod_translation" ("id", "language_code", "title", "description", "master_id") VALUES
(1, 'en', 'Express shipping', 'Delivered by courier.', 1),
(2, 'cs', 'Rychlé doručení', NULL, 1),
(3, 'en', 'Standard shipping', 'Delivered by your local post office.', 2);

INSERT INTO "public"."cart_shippingmethodcountry" ("id", "price", "is_active", "update_at", "create_at", "country_id", "currency_id", "shipping_method_id", "vat_group_id", "safe_deleted") VALUES
(1, 50.00, 't', '2023-07-07 07:54:29.200368+00', '2023-07-07 07:54:29.200392+00', 'CZ', 'CZK', 2, 1, 'f'),
(2, 100.00, 't', '2023-07-07 09:13:37.707166+00', '2023-07-07 09:13:37.707222+00', 'CZ', 'CZK', 1, 1, 'f'),
(3, 2.00, 't', '2023-07-07 07:54:47.848744+00', '2023-07-07 07:54:47.848768+00', 'SK', 'EUR', 2, 5, 'f'),
(4, 5.00, 't', '2023-07-07 09:18:34.155642+00', '2023-07-07 09:18:34.155676+00', 'DE', 'EUR', 1, 1, 'f'),
(5, 5.00, 'f', '2023-07-07 09:18:34.155642+00', '2023-07-07 09:18:34.155676+00', 'CZ', 'CZK', 1, 2, 't');

INSERT INTO "public"."cart_shippingmethodcountry_payment_methods" ("id", "shippingmethodcountry_id", "paymentmethodcountry_id") VALUES
(1, 1, 1),
(2, 1, 2),
(3, 1, 4),
(4, 1, 5),
(5, 2, 1),
(6, 3, 5),
(7, 3, 7),
(8, 4, 3);

INSERT INTO "public"."category_category" ("id", "lft", "parent_id", "create_at", "published", "update_at", "safe_deleted") VALUES
(2, 1, NULL, '2023-07-08 13:21:09.29009+00', 't', '2023-07-08 13:24:37.153948+00', 'f'),
(3, 2, 2, '2023-07-08 13:22:25.942316+00', 't', '2023-07-18 10:42:03.39122+00', 'f'),
(4, 4, 9, '2023-07-08 13:23:30.875518+00', 't', '2023-07-08 13:25:47.706598+00', 'f'),
(7, 6, NULL, '2023-07-08 13:23:41.68401+00', 'f', '2023-07-08 13:25:35.727527+00', 'f'),
(9, 8, NULL, '2023-07-08 13:23:41.68401+00', 't', '2023-07-08 13:25:35.727527+00', 't');

INSERT INTO "public"."category_category_translation" ("id", "language_code", "title", "meta_title", "meta_description", "description", "slug", "master_id", "description_editorjs") VALUES
(3, 'en', 'Entertainment', 'Entertainment - products', 'Fun; for everyone.', '', 'entertainment', 2, '{{"time": 1688822442429, "blocks": [{{"id": "D48", "data": {{"text": "It''s fun"}}, "type": "paragraph"}}]}}'),
(4, 'cs', 'Zábava', 'Zábava - produkty', '', '', 'zabava', 2, '{{}}'),
(5, 'en', 'Movies', 'Movies', '', NULL, 'movies', 3, NULL),
(6, 'cs', 'Filmy', 'Filmy', '', NULL, 'filmy', 3, NULL),
(7, 'de', 'Filme', 'Filme', '', NULL, 'filme', 3, NULL),
(8, 'en', 'Books', 'Books', '', '', 'books', 4, '{{}}'),
(9, 'en', 'Drafts', 'Drafts', '', '', 'drafts', 7, '{{}}');

INSERT INTO "public"."cms_page" ("id", "published", "ordering", "recommended", "polymorphic_ctype_id", "safe_deleted") VALUES
(1, 't', 0, 'f', 21, 'f'),
(2, 't', 0, 'f', 23, 'f');

INSERT INTO "public"."cms_page_categories" ("id", "page_id", "pagecategory_id") VALUES
(1, 1, 1),
(2, 2, 1);

INSERT INTO "public"."cms_pagecategory" ("id", "sort_order", "published", "code", "ordering", "image", "safe_deleted") VALUES
(1, 0, 't', 'ABOUTUS', 0, '', 'f');

INSERT INTO "public"."cms_pagecategory_translation" ("id", "language_code", "title", "master_id") VALUES
(1, 'en', 'About us', 1),
(2, 'cs', 'O nás', 1);

INSERT INTO "public"."cms_pagecategory_type" ("id", "pagecategory_id", "pagecategorytype_id") VALUES
(1, 1, 1);

INSERT INTO "public"."cms_pagecategorytype" ("id", "identifier", "safe_deleted") VALUES
(1, 'FOOTER', 'f');

INSERT INTO "public"."cms_pagecms" ("page_ptr_id") VALUES
(1);

INSERT INTO "public"."cms_pagecms_translation" ("id", "language_code", "slug", "title", "content", "master_id") VALUES
(1, 'en', 'contact', 'Contact', '{{"time": 1689713751197, "blocks": [{{"id": "ITl", "data": {{"text": "Contact", "level": 2}}, "type": "header"}}], "version": "2.26.5"}}', 1),
(2, 'cs', 'kontakt', 'Kontakt', '{{"blocks": []}}', 1);

INSERT INTO "public"."cms_pagefrontend" ("page_ptr_id", "frontend_path") VALUES
(2, '/');

INSERT INTO "public"."country_country" ("code", "name", "locale", "update_at", "create_at", "default_price_list_id", "safe_deleted") VALUES
('CZ', 'Česká republika', 'cs', '2023-07-07 06:59:21.808902+00', '2023-07-07 06:59:21.808928+00', 'CZK_retail', 'f'),
('DE', 'Germany', 'de', '2023-07-07 06:59:59.517269+00', '2023-07-07 06:59:59.517291+00', 'OLD_retail', 'f'),
('SK', 'Slovenská republika', 'cs', '2023-07-07 06:59:30.941559+00', '2023-07-07 06:59:30.94159+00', 'EUR_retail', 'f');

INSERT INTO "public"."country_currency" ("code", "symbol", "symbol_position", "create_at", "update_at", "safe_deleted") VALUES
('CZK', 'Kč', 'AFTER', '2023-07-07 06:56:39.285199+00', '2023-07-07 06:56:39.285142+00', 'f'),
('EUR', '€', 'BEFORE', '2023-07-07 06:56:43.001655+00', '2023-07-07 06:56:43.001622+00', 'f'),
('XXX', 'X', 'AFTER', '2023-07-07 06:56:43.001655+00', '2023-07-07 06:56:43.001622+00', 't');

INSERT INTO "public"."country_vatgroup" ("id", "name", "rate", "update_at", "create_at", "country_id", "is_default", "safe_deleted") VALUES
(1, 'CZ_STANDARD', 21.00, '2023-07-07 07:01:20.844611+00', '2023-07-07 07:01:20.844663+00', 'CZ', 't', 'f'),
(2, 'CZ_REDUCED', 12.00, '2023-07-07 07:01:35.459376+00', '2023-07-07 07:01:35.459406+00', 'CZ', 'f', 'f'),
(5, 'SK_STANDARD', 20.00, '2023-07-07 07:01:46.144468+00', '2023-07-07 07:01:46.144514+00', 'SK', 't', 'f');

INSERT INTO "public"."country_billinginfo" ("id", "first_name", "surname", "street", "city", "postal_code", "company_name", "company_id", "vat_number", "country_id", "user_id", "safe_deleted") VALUES
(1, 'John', 'Doe', 'Example 1', 'Prague', '111000', '', '', '', 'CZ', NULL, 'f'),
(2, 'Jana', 'Nová', 'Hlavná 2', 'Bratislava', '81101', 'Nová s.r.o.', '123', 'SK123', 'SK', NULL, 'f'),
(3, 'Old', 'Address', 'Old 1', 'Brno', '60200', '', '', '', 'CZ', 'shop@example.com', 'f'),
(4, 'Petr', 'Shop', 'Nová 4', 'Brno', '60200', 'Shop a.s.', '456', 'CZ456', 'CZ', 'shop@example.com', 'f'),
(5, 'Gone', 'User', 'X 1', 'Brno', '60200', '', '', '', 'CZ', 'gone@example.com', 'f');

INSERT INTO "public"."country_shippinginfo" ("id", "first_name", "surname", "street", "city", "postal_code", "email", "phone", "additional_info", "country_id", "user_id", "safe_deleted") VALUES
(1, 'John', 'Doe', 'Example 1', 'Prague', '111000', 'jdoe@example.com', '123456789', '', 'CZ', NULL, 'f'),
(2, 'Jana', 'Nová', 'Hlavná 2', 'Bratislava', '81101', 'jana@example.com', NULL, 'ring twice', 'SK', NULL, 'f'),
(3, 'Petr', 'Shop', 'Nová 4', 'Brno', '60200', 'petr@example.com', '+420111222333', 'door 3', 'CZ', 'shop@example.com', 'f');

INSERT INTO "public"."order_order" ("token", "create_at", "cart_id", "status", "agreed_to_terms", "marketing_flag", "payment_id", "safe_deleted") VALUES
('545107d5-59ad-41d6-9f70-782828afdce2', '2023-07-18 10:44:40.222194+00', NULL, 'PENDING', 't', 't', NULL, 'f'),
('9f3a4b2c-1d2e-4f50-8a6b-7c8d9e0f1a2b', '2023-07-18 10:44:40.222194+00', 'c637d1b1-d5fd-4a15-a14f-1e57b6b94a4d', 'SHIPPED', 't', 'f', NULL, 'f'),
('1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d', '2023-07-19 09:01:00+00', '7d0e5b1e-8a59-4c3e-9d55-1f3c2a8b9e01', 'CANCELLED', 't', 'f', NULL, 'f');

INSERT INTO "public"."order_orderitemcomplaint" ("id", "description", "status", "type", "create_at", "cart_item_id", "order_id") VALUES
(4, 'Scratched disc', 'APPROVED', 'WARRANTY_CLAIM', '2023-07-25 10:00:00+00', 2, '9f3a4b2c-1d2e-4f50-8a6b-7c8d9e0f1a2b');

INSERT INTO "public"."review_review" ("token", "create_at", "rating", "comment", "order_id", "product_id", "product_variant_id", "country", "safe_deleted") VALUES
('0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', '2023-07-26 12:00:00+00', 80, 'Great film', '9f3a4b2c-1d2e-4f50-8a6b-7c8d9e0f1a2b', 10, '10-en-1080p', 'CZ', 'f'),
('1c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', '2023-07-26 12:30:00+00', 40, 'Meh', '9f3a4b2c-1d2e-4f50-8a6b-7c8d9e0f1a2b', 11, '11-en-720p', 'cz', 'f'),
('2c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', '2023-07-26 13:00:00+00', 100, 'Again', '9f3a4b2c-1d2e-4f50-8a6b-7c8d9e0f1a2b', 10, '10-en-1080p', 'CZ', 'f'),
('3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', '2023-07-26 13:00:00+00', -1, '', '9f3a4b2c-1d2e-4f50-8a6b-7c8d9e0f1a2b', 10, '10-cs-720p', 'CZ', 'f'),
('4c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', '2023-07-26 13:00:00+00', 60, 'No order', NULL, 10, '10-cs-720p', 'CZ', 'f'),
('5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', '2023-07-26 13:00:00+00', 60, 'Deleted product', NULL, 12, '12-x', 'CZ', 'f'),
('6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', '2023-07-26 13:00:00+00', 20, 'Deleted review', '9f3a4b2c-1d2e-4f50-8a6b-7c8d9e0f1a2b', 11, '11-en-720p', 'CZ', 't');

INSERT INTO "public"."product_attributetype" ("id", "type_name", "unit", "value_type", "safe_deleted") VALUES
(1, 'GENRE', NULL, 'TEXT', 'f'),
(3, 'RESOLUTION', 'p', 'INTEGER', 'f'),
(6, '', NULL, 'TEXT', 't');

INSERT INTO "public"."product_attributetype_translation" ("id", "language_code", "name", "master_id") VALUES
(1, 'en', 'Genre', 1),
(2, 'cs', 'Žánr', 1),
(5, 'en', 'Resolution', 3),
(6, 'cs', 'Rozlišení', 3);

INSERT INTO "public"."product_baseattribute" ("id", "value", "order", "type_id", "safe_deleted") VALUES
(5, '720', NULL, 3, 'f'),
(6, '1080', 2, 3, 'f'),
(9, 'Adventure', NULL, 1, 'f'),
(60, 'x', NULL, 6, 'f'),
(61, 'Gone', NULL, 1, 't');

INSERT INTO "public"."product_baseattribute_translation" ("id", "language_code", "name", "master_id") VALUES
(17, 'en', 'Adventure', 9),
(18, 'cs', 'Dobrodružný', 9);

INSERT INTO "public"."product_pricelist" ("code", "rounding", "currency_id", "create_at", "update_at", "is_default", "safe_deleted") VALUES
('EUR_retail', 'f', 'EUR', '2023-07-07 06:58:53.21463+00', '2023-07-07 06:58:53.214601+00', 'f', 'f'),
('CZK_retail', 't', 'CZK', '2023-07-07 06:58:38.137769+00', '2023-07-07 06:58:38.137736+00', 't', 'f'),
('OLD_retail', 'f', 'CZK', '2023-07-07 06:59:00.070375+00', '2023-07-07 06:59:00.070352+00', 'f', 't');

INSERT INTO "public"."product_product" ("id", "published", "update_at", "create_at", "category_id", "type_id", "safe_deleted") VALUES
(10, 't', '2023-07-14 13:59:32.850213+00', '2023-07-09 17:17:01.689776+00', 3, 3, 'f'),
(11, 't', '2023-07-18 10:31:58.803128+00', '2023-07-09 17:35:11.713935+00', 9, 3, 'f'),
(12, 't', '2023-07-09 19:46:25.532518+00', '2023-07-09 17:37:28.363781+00', 3, 3, 't'),
(13, 'f', '2023-07-09 19:46:26.71991+00', '2023-07-09 17:38:11.016125+00', 2, NULL, 'f');

INSERT INTO "public"."product_product_product_variants" ("id", "product_id", "productvariant_id") VALUES
(1, 10, '10-cs-720p'),
(2, 10, '10-en-1080p'),
(3, 11, '11-en-720p'),
(4, 12, '12-x'),
(5, 13, '10-cs-720p');

INSERT INTO "public"."product_product_translation" ("id", "language_code", "title", "meta_title", "meta_description", "short_description", "description", "slug", "master_id", "description_editorjs") VALUES
(1, 'en', 'Toy Story', 'Toy Story', 'A cowboy doll is threatened in a boy''s bedroom.', NULL, NULL, 'toy-story', 10, '{{"time": 1688931984.622859, "blocks": [{{"id": "D4", "data": {{"text": "A cowboy"}}, "type": "paragraph"}}]}}'),
(2, 'cs', 'Toy Story CZ', 'Toy Story', 'Panenka kovboje.', NULL, NULL, 'toy-story-cz', 10, NULL),
(3, 'en', 'Jumanji', 'Jumanji', '', '', '', 'jumanji', 11, ''),
(4, 'en', 'Draft', 'Draft', '', '', '', 'draft', 13, NULL);

INSERT INTO "public"."product_productmedia" ("id", "sort_order", "media", "type", "alt", "product_id", "safe_deleted") VALUES
(5, 0, 'product_media/10/image/10_EMCG3g4.jpg', 'IMAGE', 'Toy Story', 10, 'f'),
(6, 1, 'product_media/10/image/old.jpg', 'IMAGE', 'old', 10, 't'),
(7, 1, 'product_media/10/image/back.jpg', 'IMAGE', 'Back', 10, 'f');

INSERT INTO "public"."product_productprice" ("id", "price", "price_list_id", "product_variant_id", "create_at", "update_at", "discount", "safe_deleted") VALUES
(1, 100.00, 'CZK_retail', '10-cs-720p', '2023-07-09 17:30:19.28139+00', '2023-07-09 17:30:19.28138+00', NULL, 'f'),
(2, 4.00, 'EUR_retail', '10-cs-720p', '2023-07-09 17:30:19.292592+00', '2023-07-09 17:30:19.292579+00', 10.00, 'f'),
(3, 99.00, 'OLD_retail', '10-cs-720p', '2023-07-09 17:30:19.299995+00', '2023-07-09 17:30:19.299985+00', NULL, 'f'),
(4, 150.00, 'CZK_retail', '10-en-1080p', '2023-07-09 17:30:19.299995+00', '2023-07-09 17:30:19.299985+00', NULL, 'f'),
(5, 90.00, 'CZK_retail', '11-en-720p', '2023-07-09 17:30:19.299995+00', '2023-07-09 17:30:19.299985+00', NULL, 'f'),
(6, 1.00, 'CZK_retail', 'orphan-1', '2023-07-09 17:30:19.299995+00', '2023-07-09 17:30:19.299985+00', NULL, 'f');

INSERT INTO "public"."product_producttype" ("id", "name", "update_at", "create_at", "safe_deleted") VALUES
(3, 'Movie', '2023-07-18 10:34:06.786793+00', '2023-07-08 15:38:32.98268+00', 'f');

INSERT INTO "public"."product_producttype_allowed_attribute_types" ("id", "producttype_id", "attributetype_id") VALUES
(3, 3, 1),
(5, 3, 3),
(6, 3, 6);

INSERT INTO "public"."product_producttype_vat_groups" ("id", "producttype_id", "vatgroup_id") VALUES
(15, 3, 1),
(16, 3, 5);

INSERT INTO "public"."product_productvariant" ("sku", "ean", "weight", "update_at", "create_at", "stock_quantity", "safe_deleted", "recommendation_weight") VALUES
('10-cs-720p', '', 234.00, '2023-07-09 17:35:11.67453+00', '2023-07-09 17:26:13.144225+00', 23, 'f', 0.5),
('10-en-1080p', '8590000000001', 237.00, '2023-07-14 13:59:31.543779+00', '2023-07-09 17:26:30.731118+00', 0, 'f', 0.5),
('11-en-720p', '', 100.00, '2023-07-14 13:59:31.543779+00', '2023-07-09 17:26:30.731118+00', 5, 'f', NULL),
('12-x', '', 1.00, '2023-07-14 13:59:31.543779+00', '2023-07-09 17:26:30.731118+00', 5, 'f', NULL),
('orphan-1', '', 1.00, '2023-07-14 13:59:31.543779+00', '2023-07-09 17:26:30.731118+00', 5, 'f', NULL);

INSERT INTO "public"."product_productvariant_attributes" ("id", "productvariant_id", "baseattribute_id") VALUES
(1, '10-cs-720p', 9),
(2, '10-cs-720p', 5),
(3, '10-en-1080p', 9),
(4, '10-en-1080p', 6),
(5, '10-en-1080p', 60);

INSERT INTO "public"."user_user" ("password", "last_login", "email", "first_name", "last_name", "birth_date", "is_active", "is_admin", "is_staff", "cart_id", "permission_role_id", "is_superuser") VALUES
('{admin_hash}', NULL, 'admin@EXAMPLE.com', 'Test', 'Admin', NULL, 't', 't', 't', NULL, NULL, 'f'),
('{staff_hash}', NULL, 'shop@example.com', '', '', '1990-01-02', 't', 'f', 't', NULL, NULL, 'f');

INSERT INTO "public"."user_user_groups" ("id", "user_id", "group_id") VALUES
(1, 'shop@example.com', 1),
(2, 'shop@example.com', 9);

ALTER TABLE "public"."product_product" ADD FOREIGN KEY ("category_id") REFERENCES "public"."category_category"("id");
"""
