"""Services and overlays: 雪舟くん with its rules, and the hazard portal's tile layers."""

from __future__ import annotations

import json
import re
from typing import Any

from geodata_build.common import (
    FACTS_LICENCE,
    Context,
    first_url,
    parse_as_of,
    place,
    read_csv,
    split_urls,
)
from soja_map.data.io import feature

# -- 雪舟くん -----------------------------------------------------------------------------------


def sesshu_kun_rules(ctx: Context, facts_rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    cfg = ctx.cw["sesshu_kun"]
    rules = []
    for row in facts_rows:
        rule_id = cfg["rule_ids"].get(row["fact"])
        if rule_id is None:
            continue
        as_of, _ = parse_as_of(row["as_of"])
        sources = []
        for url in split_urls(row["source_url"]):
            official = any(h in url for h in cfg["official_hosts"])
            sources.append(
                {
                    "publisher": ctx.publisher([url]),
                    "title": next(t for h, t in cfg["source_titles"].items() if h in url),
                    "url": url,
                    "kind": "official" if official else "secondary",
                    "as_of": as_of,
                }
            )
        rules.append({"id": rule_id, "text_ja": row["value_as_read"], "sources": sources})
    return rules


def build_sesshu_kun(ctx: Context) -> list[dict[str, Any]]:
    zones = read_csv(ctx.shared / "sesshu_kun_zones.csv")
    facts_rows = read_csv(ctx.shared / "sesshu_kun_facts.csv")
    value = {r["fact"]: r["value_as_read"] for r in facts_rows}
    fare = re.search(r"(\d+)円", value["fare_adult"])
    measures, reasons = ctx.links("demand_transport")
    props = place(
        id="transport.sesshu-kun",
        name_ja="雪舟くん（総社市新生活交通）",
        name_en="Sesshu-kun (Soja demand-responsive shared taxi)",
        category="demand_transport",
        measures=measures,
        address=None,
        description=f"{value['service_name']}。{value['zones']}で運行。{value['zone_rule']}。",
        source={
            "publisher": "総社市",
            "dataset": "新生活交通「雪舟くん」利用案内",
            "reference": first_url(zones[0]["source_url"]),
        },
        licence=FACTS_LICENCE,
        as_of=None,
        as_of_note="市のページに日付の記載がありません（2020年代）",
        position_accuracy="approximate",
        position_note="市全域のサービス: 区域の境界は画像でのみ公開されているため、区域の形は収録していません",
        scope="city_wide",
        attribution="新生活交通「雪舟くん」: 総社市ホームページ（利用案内）、議員の視察報告ほか（規則ごとの出典参照）",
        attributes={
            "zones": [z["zone"] for z in zones],
            "fare_yen": int(fare.group(1)) if fare else None,
            "service_hours": value["operating_hours"],
            "registration": value["registration"],
        },
        facts={"service_rules": sesshu_kun_rules(ctx, facts_rows), "links": reasons},
        internal_note="bundle: sesshu_kun_zones.csv, sesshu_kun_facts.csv; zone membership by 大字 and the common-area stop list were not found",
    )
    return [feature(props, None)]


# -- hazard tiles ----------------------------------------------------------------------------------


def build_hazard_layers(ctx: Context) -> dict[str, Any]:
    """The portal's XYZ tile layers (those enabled in the source config), for optional overlays."""
    doc = json.loads((ctx.shared / "hazard_tiles.json").read_text(encoding="utf-8"))
    cfg = ctx.cw["hazard_layers"]
    layers = []
    for tile in doc["tiles"]:
        if tile.get("commented_out_in_source"):
            continue
        layer_id = tile["url"].split("/raster/")[1].split("/")[0]
        layers.append(
            {
                "id": layer_id,
                "name_ja": tile["name"],
                "name_en": cfg["name_en"][tile["name"]],
                "url": tile["url"],
                "default_on": False,
            }
        )
    return {
        "credit_ja": cfg["credit_ja"],
        "credit_url": cfg["credit_url"],
        "note_ja": cfg["note_ja"],
        "note_en": cfg["note_en"],
        "online_only": True,
        "statutory_hazard_map": False,
        "layers": layers,
        "internal_note": "Copied from sankichi92/shikuchoson-hazardmap-template hazardmap-config.jsonc "
        "@03da2f19 via ../shared/data/hazard_tiles.json; zoom ranges and legends not verified online; "
        "layers commented out in that config are left out.",
    }
