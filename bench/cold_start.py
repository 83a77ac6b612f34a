"""Cold-start benchmark: wall time of `import app` against `import boto3` alone, in fresh processes.

Every Lambda function of the project imports `app.py`, so this is the import part of each cold start.
boto3 is the floor (every request path talks to DynamoDB); the target is app / boto3 <= 1.6.

Measured twice:
* "lambda": the packages a deployed function has and nothing else: requirements.txt, boto3 (the
  runtime's) and Chalice's runtime module, installed once into `.bench/lambda-site/` and imported
  with site-packages switched off. This is what a cold start pays.
* "dev venv": the development environment, where test-only packages (cryptography, pulled in by
  moto) are importable and make some imports dearer than in Lambda.

Also prints the time to import app and answer a first request (`user/detail`, anonymous), which
includes botocore's client creation that import time alone does not show.

    .venv/bin/python bench/cold_start.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

IMPORT = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
# What API Gateway hands the Lambda for an anonymous GET /user/detail (proxy integration).
FIRST_REQUEST = """
import time
t = time.perf_counter()
from app import app
event = {"resource": "/user/detail", "path": "/user/detail", "httpMethod": "GET",
         "headers": {"Host": "localhost"}, "multiValueHeaders": {}, "queryStringParameters": None,
         "multiValueQueryStringParameters": None, "pathParameters": None, "stageVariables": None,
         "requestContext": {"resourcePath": "/user/detail", "httpMethod": "GET", "path": "/api/user/detail",
                            "identity": {"sourceIp": "127.0.0.1"}}, "body": None, "isBase64Encoded": False}
response = app(event, None)
assert response["statusCode"] == 403, response
print(time.perf_counter() - t)
"""

ENV = {
    "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "JWT_SIGNING_KEY": "bench-signing-key-bench-signing-key-0123",
    "TABLE_PREFIX": "bench",
}


LAMBDA_SITE = ROOT / ".bench" / "lambda-site"


def lambda_site() -> Path:
    """requirements.txt + boto3 + chalice's runtime, as a Lambda zip has them (installed once)."""
    stamp = LAMBDA_SITE / ".stamp"
    wanted = (ROOT / "requirements.txt").read_text() + (ROOT / "requirements-dev.txt").read_text()
    if stamp.exists() and stamp.read_text() == wanted:
        return LAMBDA_SITE
    pins = {line.split("==")[0]: line.strip() for line in wanted.splitlines() if "==" in line}
    pip = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--upgrade",
           "--target", str(LAMBDA_SITE)]
    subprocess.run(pip + ["-r", str(ROOT / "requirements.txt"), pins["boto3"]], check=True)
    subprocess.run(pip + ["--no-deps", pins["chalice"]], check=True)  # chalice.app imports the stdlib only
    stamp.write_text(wanted)
    return LAMBDA_SITE


def run(code: str, site: Path | None = None) -> float:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **ENV}
    command = [sys.executable]
    if site is not None:
        # -S: no site-packages; only the stdlib, the project and the Lambda package set are importable.
        command += ["-S", "-c", f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(site)!r}]\n" + code]
    else:
        command += ["-c", code]
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"benchmark process failed:\n{out.stderr}")
    return float(out.stdout.strip().splitlines()[-1])


def measure(runs: int, site: Path | None) -> dict[str, float]:
    # One warm-up each, so every figure below reads compiled bytecode the same way.
    run(IMPORT.format(module="app"), site)
    run(IMPORT.format(module="boto3"), site)
    times: dict[str, list[float]] = {"app": [], "boto3": [], "request": []}
    for _ in range(runs):  # interleaved, so machine noise hits all alike
        times["app"].append(run(IMPORT.format(module="app"), site))
        times["boto3"].append(run(IMPORT.format(module="boto3"), site))
        times["request"].append(run(FIRST_REQUEST, site))
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    runs = max(7, args.runs)
    print(f"cold start, median of {runs} fresh processes each (Python {sys.version.split()[0]})")
    for label, site in (("lambda", lambda_site()), ("dev venv", None)):
        figures = measure(runs, site)
        print(f"[{label}]")
        print(f"  import boto3                   {figures['boto3']:8.1f} ms")
        print(f"  import app                     {figures['app']:8.1f} ms")
        print(f"  ratio app / boto3              {figures['app'] / figures['boto3']:8.2f}   (target <= 1.6)")
        print(f"  import app + first request     {figures['request']:8.1f} ms   (anonymous GET /user/detail)")


if __name__ == "__main__":
    main()
