"""The notifications config: the shipped default is valid and calls nothing on the internet; every bad
config fails with a message naming the entry, one test per case."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from chalicelib.core.config_files import PROJECT_ROOT
from chalicelib.notifications import config
from chalicelib.notifications.config import ConfigError, validate_config
from chalicelib.notifications.emails import METHODS
from chalicelib.notifications.triggers import EVENT_TYPES, EXTRA_TRIGGERS

SHIPPED = PROJECT_ROOT / "config" / "notifications.json"


def write(tmp_path, data) -> str:
    path = tmp_path / "notifications.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return str(path)


def test_the_shipped_config_is_valid_and_mirrors_the_original():
    shipped = validate_config(SHIPPED)
    assert set(shipped) == set(EVENT_TYPES) - {"ORDER_UPDATE"}  # the original never configured ORDER_UPDATE
    assert [a["type"] for a in shipped["PRODUCT_SAVE"]] == ["RECOMMENDERAPI", "HTTP"]
    assert [a["type"] for a in shipped["ORDER_SAVE"]] == ["HTTP", "EMAIL", "RECOMMENDERAPI"]
    assert shipped["REVIEW_SEND"] == [{"type": "EMAIL", "method": "send_review_request", "delay_seconds": 604800}]
    assert {a["method"] for actions in shipped.values() for a in actions if a["type"] == "EMAIL"} == set(METHODS)


def test_the_shipped_config_names_no_internet_host():
    text = SHIPPED.read_text()
    assert "example.com" not in text and "http://" not in text and "https://" not in text
    urls = [a["url"] for actions in validate_config(SHIPPED).values() for a in actions if a["type"] == "HTTP"]
    assert urls and all(url.startswith("${WEBHOOK_BASE_URL}/") for url in urls)


def test_the_added_triggers_are_valid(tmp_path):
    data = {trigger: [{"type": "HTTP", "method": "POST", "url": "https://hooks.internal/x"}]
            for trigger in EXTRA_TRIGGERS}
    assert set(validate_config(write(tmp_path, data))) == {"PAYMENT_STATUS_CHANGED", "ORDER_FULLY_PAID",
                                                           "ORDER_STATUS_CHANGED"}


def test_unknown_trigger(tmp_path):
    path = write(tmp_path, {"PRODUCT_SAVE": [], "PRODUCT_SAVED": [{"type": "HTTP", "method": "POST", "url": "http://h"}]})
    with pytest.raises(ConfigError, match=r"notifications.json: PRODUCT_SAVED: unknown trigger"):
        validate_config(path)


def test_unknown_type(tmp_path):
    path = write(tmp_path, {"ORDER_SAVE": [{"type": "EMAIL", "method": "send_order_confirmation"},
                                           {"type": "SMS", "method": "send"}]})
    with pytest.raises(ConfigError, match=r"ORDER_SAVE\[1\]: unknown type 'SMS'"):
        validate_config(path)


def test_http_without_url(tmp_path):
    path = write(tmp_path, {"PRODUCT_SAVE": [{"type": "HTTP", "method": "POST"}]})
    with pytest.raises(ConfigError, match=r"PRODUCT_SAVE\[0\]: HTTP action needs \"url\""):
        validate_config(path)


def test_http_without_method(tmp_path):
    path = write(tmp_path, {"PRODUCT_SAVE": [{"type": "HTTP", "url": "http://hooks.internal/p"}]})
    with pytest.raises(ConfigError, match=r"PRODUCT_SAVE\[0\]: HTTP action needs \"method\""):
        validate_config(path)


def test_http_with_a_method_requests_does_not_know(tmp_path):
    path = write(tmp_path, {"PRODUCT_SAVE": [{"type": "HTTP", "method": "FETCH", "url": "http://hooks.internal/p"}]})
    with pytest.raises(ConfigError, match=r"PRODUCT_SAVE\[0\]: HTTP method 'FETCH'"):
        validate_config(path)


def test_http_with_a_url_that_is_no_url(tmp_path):
    path = write(tmp_path, {"PRODUCT_SAVE": [{"type": "HTTP", "method": "POST", "url": "hooks.internal/p"}]})
    with pytest.raises(ConfigError, match=r"PRODUCT_SAVE\[0\]: url 'hooks.internal/p' must start with http"):
        validate_config(path)


def test_email_with_an_unknown_template_method(tmp_path):
    path = write(tmp_path, {"REVIEW_SEND": [{"type": "EMAIL", "method": "send_review_reminder"}]})
    with pytest.raises(ConfigError, match=r"REVIEW_SEND\[0\]: unknown EMAIL template method 'send_review_reminder'"):
        validate_config(path)


def test_recommender_with_an_unknown_method(tmp_path):
    path = write(tmp_path, {"CATEGORY_SAVE": [{"type": "RECOMMENDERAPI", "method": "store"}]})
    with pytest.raises(ConfigError, match=r"CATEGORY_SAVE\[0\]: unknown RECOMMENDERAPI method 'store'"):
        validate_config(path)


def test_unknown_key_in_an_action(tmp_path):
    path = write(tmp_path, {"ORDER_SAVE": [{"type": "HTTP", "method": "POST", "url": "http://h/x", "timout": 3}]})
    with pytest.raises(ConfigError, match=r"ORDER_SAVE\[0\]: HTTP action has unknown key\(s\) timout"):
        validate_config(path)


def test_actions_must_be_a_list(tmp_path):
    path = write(tmp_path, {"ORDER_SAVE": {"type": "HTTP", "method": "POST", "url": "http://h/x"}})
    with pytest.raises(ConfigError, match=r"ORDER_SAVE: the value must be a list of actions"):
        validate_config(path)


def test_not_json(tmp_path):
    with pytest.raises(ConfigError, match=r"NOTIFICATIONS_CONFIG_PATH: .* is not valid JSON"):
        validate_config(write(tmp_path, "{nope"))


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"does not exist"):
        validate_config(tmp_path / "absent.json")


def test_the_config_in_use_follows_the_env_var_and_the_file(tmp_path, monkeypatch):
    path = write(tmp_path, {"ORDER_SAVE": [{"type": "RECOMMENDERAPI", "method": "store_object"}]})
    monkeypatch.setenv("NOTIFICATIONS_CONFIG_PATH", path)
    config.reset()
    assert config.actions_for("ORDER_SAVE") == [{"type": "RECOMMENDERAPI", "method": "store_object"}]
    assert config.actions_for("PRODUCT_SAVE") == []
    (tmp_path / "notifications.json").write_text(json.dumps({"ORDER_SAVE": [{"type": "SMS", "method": "x"}]}))
    import os

    os.utime(path, ns=(1, 1))  # a new modification time, whatever the file system's resolution
    with pytest.raises(ConfigError, match=r"unknown type 'SMS'"):
        config.get_config()
    config.reset()


def test_command_line_check(tmp_path):
    good = subprocess.run([sys.executable, "-m", "chalicelib.notifications.config", str(SHIPPED)],
                          capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert good.returncode == 0 and "valid" in good.stdout
    bad = subprocess.run([sys.executable, "-m", "chalicelib.notifications.config",
                          write(tmp_path, {"NOPE": []})], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert bad.returncode == 1 and "NOPE: unknown trigger" in bad.stderr


def test_url_references_expand_from_the_environment(monkeypatch):
    monkeypatch.setenv("HOOK_HOST", "https://hooks.internal")
    monkeypatch.delenv("UNSET_HOST", raising=False)
    assert config.expand("${HOOK_HOST}/api/order") == ("https://hooks.internal/api/order", None)
    assert config.expand("${UNSET_HOST}/api/order") == (None, "UNSET_HOST")
