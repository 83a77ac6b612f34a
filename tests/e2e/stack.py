"""The local stack (`make run`, i.e. `python -m infra.local.stack`) as a child process, driven over real HTTP."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 240  # about 25 s on a quiet machine; generous for a loaded CI runner


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(url: str) -> bool:
    host, port = re.match(r"https?://([^:/]+):(\d+)", url).groups()
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, int(port))) == 0


def _ignore_sigint() -> None:
    """What a shell does to a background job (`make run &`): SIGINT ignored, inherited by the stack."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Stack:
    def __init__(self, data_dir: Path, port: int, *, sigint_ignored: bool = False, env: dict | None = None):
        environment = {k: v for k, v in os.environ.items()
                       if not k.startswith(("AWS_", "JWT_", "TABLE_", "PASSWORD_", "DEMO"))}
        self.status_port = free_port()
        environment.update({"PORT": str(port), "STATUS_PORT": str(self.status_port), "DATA_DIR": str(data_dir),
                            "PYTHONUNBUFFERED": "1", "ADMIN_EMAIL": "boss@example.com",
                            "ADMIN_PASSWORD": "boss-password", **(env or {})})
        self.url = f"http://127.0.0.1:{port}"
        self.lines: list[str] = []
        self.process = subprocess.Popen([sys.executable, "-m", "infra.local.stack"], cwd=ROOT, env=environment,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        preexec_fn=_ignore_sigint if sigint_ignored else None)
        self._up = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self._up.wait(STARTUP_TIMEOUT) or not any("ecoseller is up" in line for line in self.lines):
            self.process.kill()
            raise AssertionError("stack did not come up:\n" + "\n".join(self.lines[-40:]))

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if "ecoseller is up" in line:
                self._up.set()
        # Output closed: the stack exited. If it never came up, the waiting start fails now (with the stack's
        # last lines) instead of after STARTUP_TIMEOUT; the check in __init__ sees it did not come up.
        self._up.set()

    def service_urls(self) -> list[str]:
        return [m.group(1) for line in self.lines for m in [re.search(r"on (http://127\.0\.0\.1:\d+)", line)] if m]

    def stop(self, sig=signal.SIGINT, timeout: float = 30) -> int:
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"stack did not stop within {timeout} s:\n" + "\n".join(self.lines[-20:])) from None

    def crash(self) -> None:
        """SIGKILL: no handler, no final save; what survives is what was on disk."""
        self.process.kill()
        self.process.wait(timeout=30)

    def status(self) -> dict:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.status_port}/status", timeout=15) as response:
            return json.loads(response.read())

    def request(self, method: str, path: str, body=None, token: str | None = None, timeout: float = 15):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"JWT {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, json.loads(raw) if raw else None

    def login(self, email: str = "boss@example.com", password: str = "boss-password") -> str:
        """A dashboard access token of the stack's superuser (or of another user)."""
        status, tokens = self.request("POST", "/user/login", {"email": email, "password": password,
                                                              "dashboard_login": True})
        assert status == 200, tokens
        return tokens["access"]


def shopper_buys(stack: Stack, product_id: int, sku: str, email: str = "eva@example.com") -> str:
    """The storefront's checkout, step by step (contract 10.4), with the demo's methods."""
    status, cart = stack.request("POST", "/cart/storefront/", {"sku": sku, "quantity": 1, "product": product_id,
                                                               "country": "CZ", "pricelist": "CZK"})
    assert status == 200, cart
    path = f"/cart/storefront/{cart['token']}"
    address = {"first_name": "Eva", "surname": "Nová", "street": "Krátká 2", "city": "Brno", "postal_code": "60200",
               "country": "CZ"}
    assert stack.request("PUT", f"{path}/shipping-info/", {**address, "email": email})[0] == 204
    assert stack.request("PUT", f"{path}/billing-info/", address)[0] == 204
    status, methods = stack.request("GET", "/cart/storefront/methods/CZ/")
    assert status == 200 and methods, methods
    shipping = methods[0]
    assert stack.request("PUT", f"{path}/shipping-method/{shipping['id']}/")[0] == 204
    assert stack.request("PUT", f"{path}/payment-method/{shipping['payment_methods'][0]['id']}/")[0] == 204
    status, order = stack.request("POST", "/order/storefront/", {"cart_token": cart["token"], "agreed_to_terms": True,
                                                                 "marketing_flag": False, "session_id": "e2e"})
    assert status == 201, order
    status, placed = stack.request("GET", f"/order/storefront/{order['token']}")
    assert status == 200 and placed["order"]["cart"]["cart_items"][0]["product_variant_sku"] == sku
    return order["token"]
