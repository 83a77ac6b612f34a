"""Image type detection and base64 / data-URI decoding (chalicelib.core.media), and media URLs."""

from __future__ import annotations

import base64
import ipaddress

import pytest

from chalicelib.core import media
from chalicelib.core.http import safe_fetch

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 32
GIF87 = b"GIF87a" + b"\x01\x00\x01\x00" + b"\x00" * 16
GIF89 = b"GIF89a" + b"\x01\x00\x01\x00" + b"\x00" * 16
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


@pytest.mark.parametrize(("data", "expected"), [
    (PNG, "png"),
    (JPEG, "jpg"),
    (b"\xff\xd8\xff\xdb" + b"\x00" * 8, "jpg"),
    (GIF87, "gif"),
    (GIF89, "gif"),
    (SVG, "svg"),
    (b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n'
     b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
     b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', "svg"),
    (b"\xef\xbb\xbf  <svg>\n</svg>", "svg"),
    ("\ufeff<svg></svg>".encode("utf-16-le"), "svg"),
    (b"<svg:svg xmlns:svg='http://www.w3.org/2000/svg'/>", "svg"),
    (b"<!DOCTYPE svg [<!ENTITY x 'y'>]><svg/>", "svg"),
])
def test_detects_accepted_image_types_from_bytes(data, expected):
    assert media.detect_image_type(data) == expected


@pytest.mark.parametrize("data", [
    b"",
    b"hello world",
    b"%PDF-1.7\n...",
    b"<html><body><svg></svg></body></html>",  # an svg inside another document is not an svg file
    b"<svgfoo/>",
    b"<?xml version='1.0'?><note>svg</note>",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",  # webp: not an accepted type
    b"BM" + b"\x00" * 40,  # bmp
    b"\x89PNX\r\n\x1a\n",
    b"GIF88a",
    b"\x00<svg/>",
])
def test_anything_else_is_not_an_image(data):
    assert media.detect_image_type(data) is None


def test_decodes_plain_base64():
    assert media.decode_base64_image(base64.b64encode(PNG).decode()) == (PNG, "png")


def test_decodes_base64_with_line_breaks_and_missing_padding():
    encoded = base64.b64encode(GIF89).decode().rstrip("=")
    wrapped = "\n".join(encoded[i:i + 10] for i in range(0, len(encoded), 10))
    assert media.decode_base64_image(wrapped) == (GIF89, "gif")


def test_decodes_urlsafe_base64():
    assert media.decode_base64_image(base64.urlsafe_b64encode(PNG).decode()) == (PNG, "png")


@pytest.mark.parametrize("prefix", ["data:image/png;base64,", "data:image/jpeg;name=x.jpg;base64,",
                                    "data:;base64,", "DATA:image/png;BASE64,"])
def test_decodes_data_uris(prefix):
    data, ext = media.decode_base64_image(prefix + base64.b64encode(JPEG).decode())
    assert (data, ext) == (JPEG, "jpg")


def test_the_declared_type_of_a_data_uri_is_not_trusted():
    # Declared PNG, actually SVG: the bytes decide.
    assert media.decode_base64_image("data:image/png;base64," + base64.b64encode(SVG).decode())[1] == "svg"


@pytest.mark.parametrize(("value", "message"), [
    ("", "empty"),
    ("   ", "empty"),
    ("data:image/png;base64,", "empty"),
    ("not base64 at all!", "Invalid base64"),
    ("data:image/png,<svg/>", "base64-encoded"),
    ("data:image/png;base64", "Invalid data URI"),
    (base64.b64encode(b"plain text, not an image").decode(), "Unsupported image type"),
    (None, "base64 string or a data URI"),
    (123, "base64 string or a data URI"),
])
def test_bad_values_raise_value_error_with_a_message(value, message):
    with pytest.raises(ValueError, match=message):
        media.decode_base64_image(value)


def test_size_limit_is_enforced_before_and_after_decoding():
    big = PNG + b"\x00" * 2000
    with pytest.raises(ValueError, match="too large"):
        media.decode_base64_image(base64.b64encode(big).decode(), max_bytes=1000)
    assert media.decode_base64_image(base64.b64encode(big).decode(), max_bytes=len(big))[1] == "png"


def test_paths_and_urls(monkeypatch):
    monkeypatch.delenv("MEDIA_BASE_URL", raising=False)
    assert media.public_path("editorjs/1_ab.png") == "/media/editorjs/1_ab.png"
    assert media.absolute_url("https://api.example.com/", "cms/category/x.png") == \
        "https://api.example.com/media/cms/category/x.png"
    monkeypatch.setenv("MEDIA_BASE_URL", "https://cdn.example.com/")
    assert media.absolute_url("https://api.example.com", "cms/category/x.png") == "https://cdn.example.com/cms/category/x.png"


def test_unique_names_keep_the_contract_prefix_and_do_not_collide():
    names = {media.unique_name("png") for _ in range(200)}
    assert len(names) == 200
    for name in names:
        stamp, _, rest = name.partition("_")
        assert stamp.isdigit() and rest.endswith(".png") and media.is_safe_name(name)


@pytest.mark.parametrize(("name", "safe"), [("1700000000_ab12cd34.png", True), ("a.b-c_d.svg", True),
                                            ("..", False), ("a..b", False), (".hidden", False), ("a/b", False),
                                            ("", False), ("a b.png", False), ("%2e%2e", False)])
def test_safe_media_names(name, safe):
    assert media.is_safe_name(name) is safe


@pytest.mark.parametrize(("address", "allowed"), [
    ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("240.0.0.1", False),
    ("224.0.0.1", False), ("255.255.255.255", False), ("::1", False), ("::", False), ("fe80::1", False),
    ("fc00::1", False), ("::ffff:127.0.0.1", False), ("::ffff:169.254.169.254", False),
    ("64:ff9b::a9fe:a9fe", False), ("2002:7f00:1::", False),
])
def test_only_public_addresses_may_be_fetched(address, allowed):
    assert safe_fetch.address_allowed(ipaddress.ip_address(address)) is allowed


@pytest.mark.parametrize("url", ["ftp://example.com/a.png", "file:///etc/passwd", "gopher://x/", "//example.com/a",
                                 "http:///nohost", "http://user:pw@example.com/a.png", "http://example.com:99999/",
                                 "http://example.com/" + "a" * 3000])
def test_urls_refused_before_any_network_access(url):
    with pytest.raises(safe_fetch.Refused):
        safe_fetch.check_url(url)
