"""bench/capacity.py --quick runs and prints the lines docs/scaling.md quotes (figures are not asserted)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DUMP = Path(os.environ.get("DEMO_DUMP") or ROOT.parent / "shared" / "reference" / "ecoseller-demo-data"
            / "mock_data.sql")


@pytest.mark.skipif(not DUMP.is_file(), reason="the ecoseller demo dump is not on this machine")
def test_quick_run_prints_every_figure():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "capacity.py"), "--quick"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    for catalog in ("ecoseller demo", "generated 2k"):
        for read in ("product detail", "category page", "category page (top)", "category tree"):
            line = re.search(rf"^\s*{re.escape(catalog)} \| {re.escape(read)}\s+ceiling ([\d,]+|unbounded) req/s",
                             out, re.M)
            assert line, (catalog, read, out[-3000:])
    assert len(re.findall(r"shared keys: (\d+\.\d+) read units per storefront request", out)) == 2
    assert len(re.findall(r"checkout \(7 requests\): (\d+) calls .*?([\d.]+) ms modeled", out)) == 2
    rows = re.findall(r"^\s{3}(product detail|order POST|product save)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)"
                      r"\s+([\d.]+)\s+([\d.]+)", out, re.M)
    assert len(rows) == 6, out[-3000:]
    assert "prices (us-east-1 list prices as of writing" in out
