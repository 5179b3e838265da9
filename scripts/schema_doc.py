"""Write docs/place-properties.schema.json from soja_map.data.schema.PlaceProperties.

    python scripts/schema_doc.py           # rewrite the file
    python scripts/schema_doc.py --check   # exit 1 if it is stale (tests/test_schema_doc.py runs it)

The file is the place contract as JSON Schema (draft 2020-12), for the city's other systems.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from soja_map.data.schema import place_properties_schema

TARGET = Path(__file__).resolve().parents[1] / "docs" / "place-properties.schema.json"


def document() -> str:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **place_properties_schema(),
    }
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args()
    wanted = document()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.is_file() else ""
        if current != wanted:
            print(f"{TARGET.name} is stale: run python scripts/schema_doc.py")
            return 1
        return 0
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
