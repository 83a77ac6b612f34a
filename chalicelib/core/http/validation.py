"""Request-body schemas with DRF's error shape: `{"field": ["message"]}`.

Hand-written rather than pydantic: the contract needs DRF's exact error bodies, and every Lambda
would pay pydantic's import and model-build time on cold start for what is a few type checks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.core.http.errors import ValidationError
from chalicelib.core.settings import get_settings

MISSING = object()

REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."
NOT_BLANK = "This field may not be blank."


class FieldError(Exception):
    def __init__(self, detail: Any):
        super().__init__(detail)
        self.detail = detail


class Field:
    def __init__(self, *, required: bool = True, allow_null: bool = False, default: Any = MISSING,
                 help: str = ""):
        self.required = required and default is MISSING
        self.allow_null = allow_null
        self.default = default
        self.help = help

    def clean(self, value: Any) -> Any:
        if value is None:
            if self.allow_null:
                return None
            raise FieldError([NOT_NULL])
        return self.convert(value)

    def convert(self, value: Any) -> Any:
        return value

    def json_schema(self) -> dict:
        return {}

    def documented(self) -> dict:
        """The field's JSON Schema as the API document shows it: with null where the field takes null."""
        schema = self.json_schema()
        if self.allow_null and schema:
            schema = _or_null(schema)
        if self.help:
            schema = {**schema, "description": self.help}
        return schema


def _or_null(schema: dict) -> dict:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    if isinstance(kind, list):
        return schema if "null" in kind else {**schema, "type": [*kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


# A string the validator does not refuse as blank once trimmed: at least one character that is not white space
# (a JSON Schema pattern matches anywhere in the string).
NOT_BLANK_PATTERN = r"\S"


class String(Field):
    def __init__(self, *, max_length: int | None = None, min_length: int | None = None,
                 allow_blank: bool = False, trim: bool = True, strict: bool = False, **kw):
        super().__init__(**kw)
        self.max_length = max_length
        self.min_length = min_length
        self.allow_blank = allow_blank
        self.trim = trim
        self.strict = strict  # only a JSON string (DRF, like the original, also takes integers as text)

    def convert(self, value: Any) -> str:
        # A float is no text anyone types (DRF would store "1e+16"); an integer is, e.g. a postal code, and so is
        # 706.0, which JSON (and JSON Schema) counts as the integer 706.
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            raise FieldError(["Not a valid string."])
        if self.strict and not isinstance(value, str):
            raise FieldError(["Not a valid string."])
        text = str(value)
        if self.trim:
            text = text.strip()
        if text == "" and not self.allow_blank:
            raise FieldError([NOT_BLANK])
        if self.max_length is not None and len(text) > self.max_length:
            raise FieldError([f"Ensure this field has no more than {self.max_length} characters."])
        if self.min_length is not None and len(text) < self.min_length:
            raise FieldError([f"Ensure this field has at least {self.min_length} characters."])
        return text

    def json_schema(self) -> dict:
        schema = self.string_schema()
        if self.strict:
            return schema
        # Not strict: an integer is taken as its digits, within the same length limits.
        return {"anyOf": [schema, *_integers_of_length(self.min_length or 1, self.max_length)]}

    def string_schema(self) -> dict:
        """The schema of the JSON strings this field takes."""
        schema: dict = {"type": "string"}
        if not self.allow_blank:
            schema["minLength"] = max(1, self.min_length or 1)
            if self.trim:
                schema["pattern"] = NOT_BLANK_PATTERN
        elif self.min_length:
            schema["minLength"] = self.min_length
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        return schema


def _integers_of_length(shortest: int, longest: int | None) -> list[dict]:
    """JSON Schemas of the integers whose text (with its minus sign) is `shortest` to `longest` characters."""
    if longest is None or longest > 300:  # no integer anyone sends has 300 digits
        return [{"type": "integer"}]
    ranges = [{"type": "integer", "minimum": 0 if shortest <= 1 else 10 ** (shortest - 1), "maximum": 10**longest - 1}]
    if longest >= 2:
        ranges.append({"type": "integer", "minimum": -(10 ** (longest - 1) - 1),
                       "maximum": -1 if shortest <= 2 else -(10 ** (shortest - 2))})
    return ranges


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    """Lower-case the domain part, as Django's `normalize_email` does; the local part is kept."""
    local, _, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else email.strip()


class Email(String):
    def convert(self, value: Any) -> str:
        text = super().convert(value)
        if not _EMAIL.match(text):
            raise FieldError(["Enter a valid email address."])
        return normalize_email(text)

    def json_schema(self) -> dict:
        return {**self.string_schema(), "format": "email"}  # an integer is no address


class Boolean(Field):
    _TRUE = {True, "true", "True", "TRUE", "1", "yes", "on"}
    _FALSE = {False, "false", "False", "FALSE", "0", "no", "off"}

    def convert(self, value: Any) -> bool:
        if isinstance(value, (bool, int, str)) and not isinstance(value, float):
            if value in self._TRUE:
                return True
            if value in self._FALSE:
                return False
        raise FieldError(["Must be a valid boolean."])

    def json_schema(self) -> dict:
        return {"type": "boolean"}


# Integers fit the original's integer columns (and far inside DynamoDB's 38 digits): 10**40 is a 400.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


class Integer(Field):
    def __init__(self, *, min_value: int | None = None, max_value: int | None = None, **kw):
        super().__init__(**kw)
        self.min_value = INT_MIN if min_value is None else min_value
        self.max_value = INT_MAX if max_value is None else max_value

    def convert(self, value: Any) -> int:
        if isinstance(value, bool):
            raise FieldError(["A valid integer is required."])
        if isinstance(value, int):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            number = int(value)
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            raise FieldError(["A valid integer is required."])
        if self.min_value is not None and number < self.min_value:
            raise FieldError([f"Ensure this value is greater than or equal to {self.min_value}."])
        if self.max_value is not None and number > self.max_value:
            raise FieldError([f"Ensure this value is less than or equal to {self.max_value}."])
        return number

    def json_schema(self) -> dict:
        return {"type": "integer", "minimum": self.min_value, "maximum": self.max_value}


class DecimalField(Field):
    """Accepts "12.50", 12.5 or 12; answers a Decimal rounded to no more than `decimal_places`."""

    def __init__(self, *, max_digits: int = 12, decimal_places: int = 2, min_value: Decimal | None = None,
                 max_value: Decimal | None = None, **kw):
        super().__init__(**kw)
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        self.min_value = min_value
        self.max_value = max_value

    def convert(self, value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise FieldError(["A valid number is required."])
        if isinstance(value, str) and not _DECIMAL_TEXT.match(value):
            # Plain digits only: "1e3", "Infinity" or "0x10" are no amount anyone types.
            raise FieldError(["A valid number is required."])
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise FieldError(["A valid number is required."]) from None
        if not number.is_finite():
            raise FieldError(["A valid number is required."])
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.decimal_places:
            raise FieldError([f"Ensure that there are no more than {self.decimal_places} decimal places."])
        whole_digits = len(str(abs(int(number))).lstrip("0"))
        if whole_digits > self.max_digits - self.decimal_places:
            raise FieldError([
                f"Ensure that there are no more than {self.max_digits - self.decimal_places} digits "
                "before the decimal point."
            ])
        if self.min_value is not None and number < self.min_value:
            raise FieldError([f"Ensure this value is greater than or equal to {self.min_value}."])
        if self.max_value is not None and number > self.max_value:
            raise FieldError([f"Ensure this value is less than or equal to {self.max_value}."])
        return number

    def json_schema(self) -> dict:
        """A JSON number or its text, within the digits and bounds. JSON Schema cannot bound the decimal places
        of a binary number (0.07 is no exact multiple of 0.01), so those are said in words."""
        whole, places = self.max_digits - self.decimal_places, self.decimal_places
        number: dict = {"type": "number", "exclusiveMinimum": -(10**whole), "exclusiveMaximum": 10**whole}
        if self.min_value is not None:
            number = {**number, "minimum": float(self.min_value)}
        if self.max_value is not None:
            number = {**number, "maximum": float(self.max_value)}
        if self.max_value is not None:  # a pattern cannot say "up to 100": texts below the next power of ten
            whole = min(whole, len(str(int(self.max_value))) - 1)
        sign = "" if self.min_value is not None and self.min_value >= 0 else "-?"
        text = {"type": "string", "pattern": rf"^\s*{sign}0*\d{{1,{whole}}}(\.\d{{1,{places}}})?\s*$"}
        return {"anyOf": [number, text], "format": "decimal",
                "description": f"at most {places} decimal places"}


_DECIMAL_TEXT = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$")


class Date(Field):
    def convert(self, value: Any) -> str:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        raise FieldError(["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."])

    def json_schema(self) -> dict:
        return {"type": "string", "format": "date"}


class Choice(Field):
    def __init__(self, choices: Iterable[str], **kw):
        super().__init__(**kw)
        self.choices = tuple(choices)

    def convert(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise FieldError([f'"{value}" is not a valid choice.'])
        return value

    def json_schema(self) -> dict:
        return {"type": "string", "enum": list(self.choices)}


class ListOf(Field):
    def __init__(self, child: Field, *, allow_empty: bool = True, **kw):
        super().__init__(**kw)
        self.child = child
        self.allow_empty = allow_empty

    def convert(self, value: Any) -> list:
        if not isinstance(value, list):
            raise FieldError([f'Expected a list of items but got type "{type(value).__name__}".'])
        if not value and not self.allow_empty:
            raise FieldError(["This list may not be empty."])
        out, errors = [], {}
        for index, item in enumerate(value):
            try:
                out.append(self.child.clean(item))
            except FieldError as exc:
                errors[index] = exc.detail
        if errors:
            if isinstance(self.child, Nested):
                # DRF's nested list serializers answer one error object per item, {} for valid ones.
                raise FieldError([errors.get(index, {}) for index in range(len(value))])
            raise FieldError({str(index): detail for index, detail in errors.items()})
        return out

    def json_schema(self) -> dict:
        schema = {"type": "array", "items": self.child.documented()}
        return schema if self.allow_empty else {**schema, "minItems": 1}


class Nested(Field):
    def __init__(self, schema: Schema, **kw):
        super().__init__(**kw)
        self.schema = schema

    def convert(self, value: Any) -> dict:
        try:
            return self.schema.validate(value)
        except ValidationError as exc:
            raise FieldError(exc.body) from None

    def json_schema(self) -> dict:
        return self.schema.json_schema()


class MapOf(Field):
    """A JSON object whose keys are free (e.g. language codes) and whose values share one field."""

    def __init__(self, child: Field, **kw):
        super().__init__(**kw)
        self.child = child

    def convert(self, value: Any) -> dict:
        if not isinstance(value, dict):
            raise FieldError([f'Expected a dictionary of items but got type "{type(value).__name__}".'])
        out, errors = {}, {}
        for key, item in value.items():
            try:
                out[key] = self.child.clean(item)
            except FieldError as exc:
                errors[key] = exc.detail
        if errors:
            raise FieldError(errors)
        return out

    def json_schema(self) -> dict:
        return {"type": "object", "additionalProperties": self.child.documented()}


class Schema:
    """An ordered set of named fields. Unknown keys are ignored, as DRF does (read-only fields too)."""

    def __init__(self, title: str = "", /, **fields: Field):
        self.title = title
        self.fields = fields

    def validate(self, data: Any, *, partial: bool = False) -> dict:
        if not isinstance(data, dict):
            kind = "list" if isinstance(data, list) else type(data).__name__
            raise ValidationError({"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]})
        out: dict = {}
        errors: dict = {}
        for name, field in self.fields.items():
            if name not in data:
                if partial:
                    continue
                if field.required:
                    errors[name] = [REQUIRED]
                elif field.default is not MISSING:
                    out[name] = field.default() if callable(field.default) else field.default
                continue
            try:
                out[name] = field.clean(data[name])
            except FieldError as exc:
                errors[name] = exc.detail
        if errors:
            raise ValidationError(errors)
        return out

    def json_schema(self, *, partial: bool = False) -> dict:
        """The JSON Schema of a valid body; `partial`: of a PATCH, where every field may be left out."""
        return {
            "type": "object",
            "properties": {name: field.documented() for name, field in self.fields.items()},
            "required": [] if partial else [name for name, field in self.fields.items() if field.required],
        }


class Translations(Field):
    """`{lang: {field: value}}` for the shop's languages only; each row is validated by `row`.

    Unknown languages are a 400 naming the language (`{"translations": {"de": [...]}}`). On write only
    the languages (and fields) sent change; merging with what is stored is the caller's.
    """

    def __init__(self, row: Schema, *, allow_empty: bool = True, **kw):
        super().__init__(**kw)
        self.row = row
        self.allow_empty = allow_empty

    def convert(self, value: Any) -> dict:
        if not isinstance(value, dict):
            raise FieldError([f'Expected a dictionary of languages but got type "{type(value).__name__}".'])
        if not value and not self.allow_empty:
            raise FieldError(["Give the texts of at least one language."])
        languages = get_settings().languages
        out, errors = {}, {}
        for language, row in value.items():
            if language not in languages:
                errors[language] = [f'"{language}" is not a language of this shop; use one of: '
                                    f'{", ".join(languages)}.']
                continue
            if row is None:
                errors[language] = [NOT_NULL]
                continue
            try:
                out[language] = Nested(self.row).convert(row)
            except FieldError as error:
                errors[language] = error.detail
        if errors:
            raise FieldError(errors)
        return out

    def json_schema(self) -> dict:
        schema = {"type": "object", "description": "texts keyed by language code (see GET country/languages/)",
                  "additionalProperties": self.row.json_schema()}
        return schema if self.allow_empty else {**schema, "minProperties": 1}


_SLUG = re.compile(r"^[-\w]+$", re.UNICODE)


class Slug(String):
    """A URL path segment: letters (any script), digits, `_` and `-` (blank only where allowed)."""

    def convert(self, value: Any) -> str:
        text = super().convert(value)
        if text and not _SLUG.match(text):
            raise FieldError(['Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'])
        return text

    def string_schema(self) -> dict:
        return {**super().string_schema(), "pattern": r"^[-\w]*$" if self.allow_blank else r"^[-\w]+$"}


class EditorJs(Field):
    """Editor.js output (`{"time", "blocks", "version"}`): a JSON object, "" (no document) or null.

    The original keeps these in a JSON field, so "" is a value it stores and answers back (its
    dashboard reads "" for an empty description and sends it again on every save); "" is kept as it
    is, so a read written back changes nothing. Any other string, a list or a number is a 400.
    """

    def convert(self, value: Any) -> dict | str:
        if value == "":
            return ""
        if not isinstance(value, dict):
            raise FieldError(['Expected an Editor.js JSON object, "" or null.'])
        return value

    def json_schema(self) -> dict:
        return {"type": ["object", "string", "null"], "description": 'Editor.js output data ("" for none)'}


KEEP = object()  # an image value that leaves the stored image as it is


class ImageUpload(Field):
    """An image as base64 or a data URI, decoded here: a bad image is a 400 before anything is written.

    null or "" removes the image; a URL (what a read returned) leaves the stored image as it is.
    Answers `(bytes, ext)`, None or KEEP. (CMS categories and shipping/payment methods use it.)
    """

    def clean(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        return self.convert(value)

    def convert(self, value: Any) -> Any:
        from chalicelib.core import media

        if isinstance(value, str) and value.strip().startswith(("http://", "https://", "/media/")):
            return KEEP
        try:
            return media.decode_base64_image(value)
        except ValueError as error:
            raise FieldError([str(error)]) from None

    def json_schema(self) -> dict:
        return {"type": ["string", "null"], "description": "base64 or data URI (png, jpg, gif, svg)"}


def changed_fields(current: dict, fields: dict) -> dict:
    """The fields of a write whose value differs from what is stored.

    The dashboard saves by sending back what it read: a write that changes nothing must write nothing
    (no new `update_at`, no change event), so services update only these, and skip the write when empty.
    """
    return {name: value for name, value in fields.items() if current.get(name, MISSING) != value}
