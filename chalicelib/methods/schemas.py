"""Request bodies of the method routes (contract 1.3 K1-K21), in the dashboard's translation style (A.7).

Methods: `{translations?: {lang: {title?, description?}}, image?}`; only the languages and fields sent
change. Method-country rows: the model's fields; a PUT must carry the required ones, a PATCH any subset.
"""

from __future__ import annotations

from chalicelib.core.http.validation import (
    Boolean,
    DecimalField,
    Field,
    ImageUpload,
    Integer,
    ListOf,
    Schema,
    String,
    Translations,
)

TRANSLATION = Schema("MethodTranslation",
                     title=String(max_length=255, allow_blank=True, required=False),
                     description=String(allow_blank=True, allow_null=True, required=False))

METHOD_WRITE = Schema("MethodWrite",
                      translations=Translations(TRANSLATION, required=False),
                      image=ImageUpload(required=False, allow_null=True))


def _common(*, create: bool) -> dict[str, Field]:
    optional = {"default": True} if create else {"required": False}
    return {
        # Codes and ids are checked against localization by the service (400 naming the field).
        "country": String(max_length=10),
        "vat_group": Integer(min_value=1),
        "currency": String(max_length=10),
        "price": DecimalField(max_digits=10, decimal_places=2, min_value=0),
        "is_active": Boolean(**optional),
    }


def row_schema(kind: str, *, create: bool) -> Schema:
    """The body of a method-country create (K7, K9, K19) or update (K11, K21).

    The method id may come in the body (the dashboard sends it); the path's id is the default.
    """
    fields = {f"{kind}_method": Integer(min_value=1, required=False), **_common(create=create)}
    if kind == "payment":
        fields["api_request"] = String(max_length=42, allow_blank=True, allow_null=True,
                                       **({"default": None} if create else {"required": False}))
    else:
        fields["payment_methods"] = ListOf(Integer(min_value=1),
                                           **({"default": list} if create else {"required": False}))
    return Schema(f"{kind.capitalize()}MethodCountry", **fields)


ROW_CREATE = {kind: row_schema(kind, create=True) for kind in ("shipping", "payment")}
ROW_UPDATE = {kind: row_schema(kind, create=False) for kind in ("shipping", "payment")}


def _naming_the_method(kind: str) -> dict:
    """K9's body: a row's, with the method named in it (no id in the path)."""
    document = ROW_CREATE[kind].json_schema()
    return {**document, "required": [*document["required"], f"{kind}_method"]}


ROW_CREATE_WITH_METHOD = {kind: _naming_the_method(kind) for kind in ROW_CREATE}
