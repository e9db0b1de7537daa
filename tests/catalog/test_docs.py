"""docs/catalog.md stays honest: its table of built-in documents and its example user list."""

from __future__ import annotations

import re
from pathlib import Path

from catalog import load_catalog, validate_files

DOC = Path(__file__).resolve().parents[2] / "docs" / "catalog.md"


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _table_rows() -> dict[str, tuple[str, str, str, int]]:
    """id → (kind, Chinese title, version, items) from the 'Built-in documents' table."""
    section = _doc().split("## Built-in documents", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"^\| `([a-z0-9-]+)` \| (\w+) \| ([^|]+) \| [^|]+ \| ([^|]+) \| (\d+) \|$", line)
        if m:
            rows[m[1]] = (m[2], m[3].strip(), m[4].strip(), int(m[5]))
    return rows


def test_builtin_table_matches_the_loader(real_catalog):
    rows = _table_rows()
    assert set(rows) == set(real_catalog.ids())
    for d in real_catalog:
        doc = d.doc
        count = len(doc.items) if d.kind == "negative_list" else len(doc.subcategories())
        assert rows[d.id] == (d.kind, doc.title.strip(), d.version, count), d.id


def test_example_user_list_validates(tmp_path):
    blocks = re.findall(r"```yaml\n(.*?)```", _doc(), flags=re.S)
    (example,) = [b for b in blocks if b.startswith("schema: chujing.catalog/1")]
    doc_id = re.search(r"^id: (\S+)$", example, flags=re.M)[1]
    path = tmp_path / f"{doc_id}.yaml"
    path.write_text(example, encoding="utf-8")
    ok, problems = validate_files([path])
    assert problems == [] and [d.id for d in ok] == [doc_id]
    cat = load_catalog([tmp_path])  # and loads beside the built-in documents
    assert len(cat.negative_list(doc_id).items) == 2
