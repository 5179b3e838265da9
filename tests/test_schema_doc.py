"""The place contract is published as JSON Schema, generated from PlaceProperties and kept current."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from soja_map.data.schema import CATEGORIES, REQUIRED_FIELDS, PlaceProperties
from tests.conftest import REPO

SCHEMA = REPO / "docs" / "place-properties.schema.json"


def test_published_schema_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "schema_doc.py"), "--check"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_published_schema_says_what_validate_checks() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"].endswith("2020-12/schema")
    assert schema["additionalProperties"] is False
    assert schema["required"] == list(REQUIRED_FIELDS)
    assert set(schema["properties"]) == set(PlaceProperties.model_fields)
    assert schema["properties"]["category"]["enum"] == list(CATEGORIES)
    assert schema["properties"]["id"]["maxLength"] == 128
    assert {"facts", "internal_note"} <= set(schema["properties"])


def test_shipped_places_fit_the_model() -> None:
    for path in sorted((REPO / "geodata").glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            PlaceProperties.model_validate(feature["properties"])
