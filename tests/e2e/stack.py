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


class Stack:
    def __init__(self, data_dir: Path, port: int):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "JWT_", "TABLE_", "PASSWORD_"))}
        env.update({"PORT": str(port), "DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1",
                    "ADMIN_EMAIL": "boss@example.com", "ADMIN_PASSWORD": "boss-password"})
        self.url = f"http://127.0.0.1:{port}"
        self.lines: list[str] = []
        self.process = subprocess.Popen([sys.executable, "-m", "infra.local.stack"], cwd=ROOT, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self._up = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self._up.wait(STARTUP_TIMEOUT):
            self.process.kill()
            raise AssertionError("stack did not come up:\n" + "\n".join(self.lines[-40:]))

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if "ecoseller is up" in line:
                self._up.set()

    def service_urls(self) -> list[str]:
        return [m.group(1) for line in self.lines for m in [re.search(r"on (http://127\.0\.0\.1:\d+)", line)] if m]

    def stop(self, sig=signal.SIGINT) -> int:
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError("stack did not stop within 30 s:\n" + "\n".join(self.lines[-20:])) from None

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
