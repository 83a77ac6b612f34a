"""CMS demo data for the local shop: the HEADER and FOOTER types, a footer category with a terms page and
a contact page (Editor.js content in en and cs). `load_demo()` is idempotent: what exists (by
identifier, category code, slug) is left alone.

Only PageCMS pages go into the footer: the storefront links every footer and header page by its `slug`
(`<Link href={page.slug}>`, FooterMenu.tsx / TopLine.tsx) and renders it through its `[slug]` page,
which fetches PageCMS. A PageFrontend has no slug (the original's answer has none either), so the
footer crashed on the demo's old "/contact" PageFrontend; a shop saved with it loses it at its next
start (`_drop_old_contact`), and the contact page is a PageCMS now."""

from __future__ import annotations

from chalicelib.cms import schemas, service, store
from chalicelib.cms.schemas import PAGE_CMS, PAGE_FRONTEND
from chalicelib.core.settings import get_settings

FOOTER_CODE = "footer-info"
TERMS_SLUG = "terms-and-conditions"
CONTACT_PATH = "/contact"


def _editorjs(*blocks: tuple[str, dict]) -> dict:
    return {"time": 1700000000000, "version": "2.28.2",
            "blocks": [{"id": f"demo{index}", "type": kind, "data": data} for index, (kind, data) in enumerate(blocks)]}


TERMS = {
    "en": {"slug": TERMS_SLUG, "title": "Terms and conditions", "content": _editorjs(
        ("header", {"text": "Terms and conditions", "level": 2}),
        ("paragraph", {"text": "These terms apply to every order placed in this demo shop."}),
        ("list", {"style": "unordered", "items": ["Goods are delivered within 5 working days.",
                                                  "You may return goods within 14 days without giving a reason."]}),
    )},
    "cs": {"slug": "obchodni-podminky", "title": "Obchodní podmínky", "content": _editorjs(
        ("header", {"text": "Obchodní podmínky", "level": 2}),
        ("paragraph", {"text": "Tyto podmínky platí pro každou objednávku v tomto ukázkovém obchodě."}),
        ("list", {"style": "unordered", "items": ["Zboží doručíme do 5 pracovních dnů.",
                                                  "Zboží můžete bez udání důvodu vrátit do 14 dnů."]}),
    )},
}
CONTACT_SLUG = "contact"
CONTACT = {
    "en": {"slug": CONTACT_SLUG, "title": "Contact", "content": _editorjs(
        ("header", {"text": "Contact", "level": 2}),
        ("paragraph", {"text": "Demo Shop s.r.o., Národní 1, 110 00 Praha 1"}),
        ("paragraph", {"text": "E-mail: shop@example.com, phone +420 123 456 789 (weekdays 9-17)."}),
    )},
    "cs": {"slug": "kontakt", "title": "Kontakt", "content": _editorjs(
        ("header", {"text": "Kontakt", "level": 2}),
        ("paragraph", {"text": "Demo Shop s.r.o., Národní 1, 110 00 Praha 1"}),
        ("paragraph", {"text": "E-mail: shop@example.com, telefon +420 123 456 789 (pracovní dny 9-17)."}),
    )},
}
FOOTER_TITLES = {"en": {"title": "Information"}, "cs": {"title": "Informace"}}


def _in_shop_languages(rows: dict) -> dict:
    languages = get_settings().languages
    return {lang: row for lang, row in rows.items() if lang in languages}


def _type_id(identifier: str) -> int:
    existing = store.type_id_for(identifier)
    if existing is not None:
        return existing
    return service.create_type(identifier)["id"]


def _footer_category(footer_type: int) -> int:
    for category in store.list_categories():
        if category.get("code") == FOOTER_CODE:
            return int(category["id"])
    data = schemas.CATEGORY_CREATE.validate({"published": True, "code": FOOTER_CODE, "type": [footer_type],
                                              "translations": _in_shop_languages(FOOTER_TITLES)})
    return service.create_category(data, "")["id"]


def _has_cms_page(heads: list[dict], slug: str) -> bool:
    return any(p["resourcetype"] == PAGE_CMS and (p.get("translations") or {}).get("en", {}).get("slug") == slug
               for p in heads)


def _drop_old_contact(heads: list[dict], footer: int) -> None:
    """The demo's former footer PageFrontend "/contact", which the storefront cannot link."""
    for page in heads:
        if (page["resourcetype"] == PAGE_FRONTEND and page.get("frontend_path") == CONTACT_PATH
                and footer in [int(c) for c in page.get("categories") or []]):
            service.delete_page(PAGE_FRONTEND, page["id"])


def load_demo() -> None:
    _type_id("HEADER")
    footer = _footer_category(_type_id("FOOTER"))
    heads = store.list_pages()
    _drop_old_contact(heads, footer)
    for slug, rows in ((TERMS_SLUG, TERMS), (CONTACT_SLUG, CONTACT)):
        if not _has_cms_page(heads, slug):
            service.create_page({"resourcetype": PAGE_CMS, "published": True, "categories": [footer],
                                 "translations": _in_shop_languages(rows)})
