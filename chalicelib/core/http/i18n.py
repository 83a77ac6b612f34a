"""Language of a request (`Accept-Language`) and flattening of `translations` maps (contract A.7)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def request_language(header: str | None, languages: Iterable[str], default: str) -> str:
    """The shop language for an `Accept-Language` header.

    `en-US` means `en`, as in the original. Unlike the original, a list such as `cs,en;q=0.9` is
    parsed (highest quality first) instead of falling back to the default.
    """
    supported = set(languages)
    if not header:
        return default
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        code, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        code = code.strip().split("-")[0].lower()
        if code:
            ranked.append((-quality, position, code))
    for negative_quality, _, code in sorted(ranked):
        if negative_quality < 0 and code in supported:
            return code
    return default


def flatten(translations: Mapping[str, Mapping] | None, language: str, fields: Iterable[str],
            default: str = "en") -> dict:
    """Translated fields in one language, storefront style.

    The requested language's row is used when it exists, else the default language's; a field that is
    missing or null in the chosen row comes back as "" (no per-field fallback, as in the original).
    """
    translations = translations or {}
    row = translations.get(language)
    if row is None:
        row = translations.get(default) or {}
    return {field: ("" if row.get(field) is None else row.get(field)) for field in fields}
