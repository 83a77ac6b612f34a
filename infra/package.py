"""`make package` (`STAGE=prod make package`): the deployable SAM template of a stage in build/<stage>/.

    python -m infra.package [--stage dev] [--out build/<stage>] [--region eu-central-1] [--no-lint]

1. Stages what Lambda runs into build/app/: app.py, chalicelib/, .chalice/config.json, requirements.txt,
   and config/*.json as chalicelib/bundled_config/ (Lambda ships only app.py and chalicelib/;
   core/config_files.py reads the bundled copy there), with the app's bytecode compiled for the Lambda
   runtime (cold starts import without compiling). Nothing is written into the working tree.
2. Renders infra/template.py for the stage (its TABLE_PREFIX and JWT_SECRET_ARN from .chalice/config.json)
   into build/<stage>.resources.json.
3. Runs `chalice package --stage <stage> --merge-template build/<stage>.resources.json build/<stage>` in
   build/app: build/<stage>/sam.json (the template) and build/<stage>/deployment.zip (the code, with the
   Lambda wheels of requirements.txt). Chalice downloads those wheels from PyPI once and keeps the built
   dependencies in build/app/.chalice/deployments/, keyed by requirements.txt: later runs need no network.
   No AWS credentials are used (the environment handed to chalice has none); a region is only named.
4. Checks the template's rules (infra/rules.py) and lints it with cfn-lint; exits 1 on a broken rule or a
   cfn-lint error or warning (IGNORED_LINT lists the rules deliberately ignored, with the reason).

`package(..., dependencies=False)` packages without requirements.txt (no network, ~2 s): the template is
the same, only deployment.zip lacks the wheels. The tests use it.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from py_compile import PycInvalidationMode

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
DEFAULT_REGION = "eu-central-1"
# Only these reach chalice (and pip under it): no AWS credentials, and none of the app's own variables,
# which would otherwise leak from the packaging shell into the app chalice imports.
PASSED_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR",
                      "REQUESTS_CA_BUNDLE", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy",
                      "no_proxy")
# cfn-lint rules not applied, and why (informational rules, I*, are not run at all).
IGNORED_LINT: dict[str, str] = {}


@dataclass
class Result:
    template: Path
    problems: list[str] = field(default_factory=list)  # broken rules (infra/rules.py)
    lint: list[str] = field(default_factory=list)  # cfn-lint errors and warnings
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.lint


def stage_environment(stage: str) -> dict[str, str]:
    """The stage's environment variables from .chalice/config.json (global ones, then the stage's)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    if stage not in config.get("stages", {}):
        raise SystemExit(f"unknown stage {stage!r}; .chalice/config.json has {sorted(config.get('stages', {}))}")
    values = dict(config.get("environment_variables", {}))
    values.update(config["stages"][stage].get("environment_variables", {}))
    if not values.get("TABLE_PREFIX"):
        raise SystemExit(f"stage {stage!r} has no TABLE_PREFIX in .chalice/config.json")
    return {name: str(value) for name, value in values.items()}


def stage_app(workdir: Path, *, dependencies: bool = True) -> None:
    """Copy what Lambda runs into `workdir` (its .chalice/deployments/, chalice's wheel cache, is kept)."""
    workdir.mkdir(parents=True, exist_ok=True)
    for entry in workdir.iterdir():
        if entry.name == ".chalice":
            for inner in entry.iterdir():
                if inner.name != "deployments":
                    shutil.rmtree(inner) if inner.is_dir() else inner.unlink()
        else:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    (workdir / ".chalice").mkdir(exist_ok=True)
    shutil.copy2(ROOT / ".chalice" / "config.json", workdir / ".chalice" / "config.json")
    shutil.copy2(ROOT / "app.py", workdir / "app.py")
    if not (ROOT / "chalicelib" / "docs" / "swagger_ui" / "swagger-ui-bundle.js").exists():
        # Fetched by `make venv` from the npm registry; without it /api/docs/ would ship blank.
        raise SystemExit("chalicelib/docs/swagger_ui/ is missing: run `make venv` (or `make package`) first")
    shutil.copytree(ROOT / "chalicelib", workdir / "chalicelib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "bundled_config"))
    bundled = workdir / "chalicelib" / "bundled_config"
    bundled.mkdir()
    for config_file in sorted((ROOT / "config").glob("*.json")):
        shutil.copy2(config_file, bundled / config_file.name)
    requirements = (ROOT / "requirements.txt").read_text() if dependencies else ""
    (workdir / "requirements.txt").write_text(requirements)
    # Lambda's code folder is read-only, so without bytecode in the zip every cold start compiles every
    # module it imports. Unchecked hashes: the bytecode is used whatever the file times (chalice's zip
    # sets them all to 1980); the zip is rebuilt whenever the source changes. Chalice zips app.py alone,
    # never a __pycache__ beside it (app.py is a page of imports): chalicelib/ is what counts.
    unchecked = PycInvalidationMode.UNCHECKED_HASH
    if not compileall.compile_dir(workdir / "chalicelib", quiet=1, invalidation_mode=unchecked):
        raise RuntimeError(f"compiling the app in {workdir} failed")


def chalice_package(workdir: Path, stage: str, merge_template: Path, out: Path, region: str) -> None:
    environment = {name: os.environ[name] for name in PASSED_ENVIRONMENT if name in os.environ}
    environment.update({name: value for name, value in os.environ.items() if name.startswith("PIP_")})
    environment.update({"AWS_DEFAULT_REGION": region, "AWS_EC2_METADATA_DISABLED": "true",
                        "PYTHONDONTWRITEBYTECODE": "1"})
    if out.exists():
        shutil.rmtree(out)
    command = [sys.executable, "-c", "import sys; from chalice.cli import main; sys.exit(main())",
               "--project-dir", str(workdir), "package", "--stage", stage,
               "--merge-template", str(merge_template), str(out)]
    completed = subprocess.run(command, cwd=workdir, env=environment, capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"chalice package failed ({completed.returncode}):\n{completed.stdout}{completed.stderr}")


def lint(template: Path, region: str) -> list[str]:
    """cfn-lint's errors and warnings for one region, as `rule line: message` lines."""
    from cfnlint.api import lint as cfn_lint
    from cfnlint.config import ManualArgs

    matches = cfn_lint(template.read_text(), config=ManualArgs(regions=[region], ignore_checks=list(IGNORED_LINT)))
    return [f"{m.rule.id} line {m.linenumber}: {m.message}" for m in matches if m.rule.id[:1] in ("E", "W")]


def package(stage: str = "dev", out: Path | None = None, *, workdir: Path | None = None, dependencies: bool = True,
            region: str | None = None, run_lint: bool = True) -> Result:
    from infra import rules
    from infra.template import build

    region = region or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    out = out or BUILD / stage
    workdir = workdir or BUILD / "app"
    environment = stage_environment(stage)
    timings: dict[str, float] = {}

    started = time.perf_counter()
    stage_app(workdir, dependencies=dependencies)
    merge_template = out.parent / f"{out.name}.resources.json"
    merge_template.parent.mkdir(parents=True, exist_ok=True)
    merge_template.write_text(json.dumps(build(environment["TABLE_PREFIX"], environment.get("JWT_SECRET_ARN")),
                                         indent=2) + "\n")
    timings["render"] = time.perf_counter() - started

    started = time.perf_counter()
    chalice_package(workdir, stage, merge_template, out, region)
    timings["chalice package"] = time.perf_counter() - started

    result = Result(template=out / "sam.json", timings=timings)
    started = time.perf_counter()
    result.problems = rules.check(json.loads(result.template.read_text()))
    timings["rules"] = time.perf_counter() - started
    if run_lint:
        started = time.perf_counter()
        result.lint = lint(result.template, region)
        timings["cfn-lint"] = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", default=os.environ.get("STAGE") or "dev")
    parser.add_argument("--out", type=Path, help="output folder (default build/<stage>)")
    parser.add_argument("--region", help=f"region chalice and cfn-lint assume (default $AWS_DEFAULT_REGION or "
                                         f"{DEFAULT_REGION}); the template itself names none")
    parser.add_argument("--no-lint", action="store_true", help="skip cfn-lint (the rule checks still run)")
    args = parser.parse_args(argv)
    result = package(args.stage, args.out, region=args.region, run_lint=not args.no_lint)
    for problem in result.problems:
        print(f"rule broken: {problem}", file=sys.stderr)
    for line in result.lint:
        print(f"cfn-lint: {line}", file=sys.stderr)
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.timings.items())
    print(f"{result.template} ({steps})")
    if not result.ok:
        return 1
    print(f"{result.template.parent / 'deployment.zip'}: deploy with `aws cloudformation package` + `deploy` "
          "(README, Deploying to AWS)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
