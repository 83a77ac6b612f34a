"""The template mechanism: `templates/<name>.html` and `templates/<name>.txt`, filled with `${name}`
placeholders (string.Template). In HTML every value is escaped unless it is `Safe` (a `fragment`: a
smaller template rendered into a larger one); plain text gets the values as they are.

`generic` is the original's generic e-mail (title, subtitle, body, button); `order_confirmation` is
the order confirmation.
"""

from __future__ import annotations

import functools
import html
import string
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"


class Safe(str):
    """HTML that is already escaped."""


@functools.lru_cache(maxsize=16)
def _template(name: str) -> string.Template:
    return string.Template((TEMPLATES / name).read_text(encoding="utf-8"))


def escape(value) -> str:
    if isinstance(value, Safe):
        return value
    return html.escape("" if value is None else str(value), quote=True)


def render_html(name: str, context: dict) -> str:
    return _template(f"{name}.html").substitute({k: escape(v) for k, v in context.items()})


def fragment(name: str, **context) -> Safe:
    """A piece of HTML from `templates/<name>.html` (without the file's final line break)."""
    return Safe(render_html(name, context).removesuffix("\n"))


def render_text(name: str, context: dict) -> str:
    text = _template(f"{name}.txt").substitute({k: "" if v is None else str(v) for k, v in context.items()})
    # Optional sections leave blank runs behind.
    lines = [line.rstrip() for line in text.splitlines()]
    cleaned: list[str] = []
    for line in lines:
        if line or (cleaned and cleaned[-1]):
            cleaned.append(line)
    return "\n".join(cleaned).strip() + "\n"


def paragraphs(text: str) -> Safe:
    """Body text as HTML paragraphs: one per line, escaped."""
    return Safe("".join(fragment("paragraph", line=line) for line in (text or "").splitlines() if line.strip()))


def button(label: str | None, link: str | None) -> Safe:
    if not label or not link:
        return Safe("")
    return fragment("button", link=link, label=label)


def generic(*, language: str, title: str, subtitle: str, body: str, button_label: str | None = None,
            button_link: str | None = None, footer: str = "") -> tuple[str, str]:
    """The generic e-mail as (html, text)."""
    html_part = render_html("generic", {
        "language": language, "title": title, "subtitle": subtitle, "body": paragraphs(body),
        "button": button(button_label, button_link), "footer": footer,
    })
    button_text = f"{button_label}: {button_link}" if button_label and button_link else ""
    text_part = render_text("generic", {
        "title": title, "subtitle": subtitle, "body": body, "button": button_text, "footer": footer,
    })
    return html_part, text_part
