"""``python -m reports.schemas [report|check] [--write]``: print a contract's JSON Schema, or regenerate the files."""

from __future__ import annotations

import argparse
import sys

from reports.schemas import KINDS, schema_text, write_schemas


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reports.schemas", description=__doc__)
    parser.add_argument(
        "kind", nargs="?", choices=sorted(KINDS), help="print this contract's schema on stdout"
    )
    parser.add_argument(
        "--write", action="store_true", help="regenerate every schema file in reports/schemas/"
    )
    args = parser.parse_args(argv)
    if args.write:
        for path in write_schemas():
            print(f"wrote {path}", file=sys.stderr)
    if args.kind:
        sys.stdout.write(schema_text(args.kind))
    elif not args.write:
        parser.error("give a kind (report or check) or --write")
    return 0


if __name__ == "__main__":
    sys.exit(main())
