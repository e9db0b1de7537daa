"""Every third-party import the package and its tests make is declared in pyproject.toml.

CI installs the project into a new virtual environment from pyproject.toml alone, so an
undeclared import fails there; this test says which one, and where, before CI does.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("scanner", "recognizers", "catalog", "connectors", "reports")
#: Directories whose imports belong to an extra rather than to the package itself.
EXTRA_DIRS = {
    "tests": "test",
    "benchmarks": "test",
    "recognizers/data/update": "update",
    # --engine spark: pyspark is imported late there (see tests/test_architecture.py)
    "connectors/spark": "spark",
    "scanner/spark": "spark",
}
#: Modules whose third-party imports belong to an extra (imported late, see tests/test_architecture.py).
EXTRA_MODULES = {
    "connectors/iceberg.py": "iceberg",
    "connectors/delta.py": "delta",
    "recognizers/names_model.py": "names",
}


def _requirement_name(req: str) -> str:
    return re.split(r"[\s\[<>=!~;]", req, maxsplit=1)[0].lower().replace("_", "-")


def _declared() -> dict[str, set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    out = {"": {_requirement_name(r) for r in project["dependencies"]}}
    for extra, reqs in project.get("optional-dependencies", {}).items():
        out[extra] = {_requirement_name(r) for r in reqs}
    return out


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _local_modules() -> set[str]:
    """Names that are the project's own (packages, and test helpers imported by bare name)."""
    local = set(PACKAGES) | {"tests", "benchmarks"}
    for d in ("tests", "benchmarks"):
        local |= {p.stem for p in (ROOT / d).rglob("*.py")}
    return local


def _owner(path: Path) -> str:
    rel = path.relative_to(ROOT).as_posix()
    if rel in EXTRA_MODULES:
        return EXTRA_MODULES[rel]
    for prefix, extra in sorted(EXTRA_DIRS.items(), key=lambda kv: -len(kv[0])):
        if rel.startswith(prefix + "/"):
            return extra
    return ""


def test_every_third_party_import_is_declared():
    declared = _declared()
    dists = {k: {d.lower().replace("_", "-") for d in v} for k, v in packages_distributions().items()}
    local = _local_modules()
    missing: list[str] = []
    files = [p for d in (*PACKAGES, "tests", "benchmarks") for p in (ROOT / d).rglob("*.py")]
    assert len(files) > 100
    for path in files:
        extra = _owner(path)
        allowed = declared[""] | declared.get(extra, set())
        for name in sorted(_imports(path) - local - set(sys.stdlib_module_names)):
            providers = dists.get(name, {name.lower()})
            if not providers & allowed:
                missing.append(f"{path.relative_to(ROOT)}: {name} (from {', '.join(sorted(providers))})")
    assert not missing, "imports not declared in pyproject.toml:\n" + "\n".join(missing)
