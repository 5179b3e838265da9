#!/usr/bin/env python3
"""Vendor the JavaScript/CSS libraries that soja-map inlines into its HTML maps.

Exported maps must work offline (closed government network), so Leaflet and
every plugin are inlined into the HTML file. This script fetches the exact npm
tarballs from the npm registry, checks each tarball against the registry's
``dist.integrity`` (SRI sha512), and writes the few dist files we need into
``soja_map/maps/vendor/`` together with the licence texts and ``VENDOR.json``.

Standard library only.

Usage::

    python scripts/vendor_js.py            # download, verify, write files
    python scripts/vendor_js.py --check    # offline: files match VENDOR.json?

Changes made to upstream files (recorded per file in VENDOR.json):

* JS: the trailing ``//# sourceMappingURL=...`` comment is removed (the map
  file is not shipped, and a dangling reference is pointless offline).
* CSS: ``url(images/*.png)`` references are replaced by ``data:`` URIs so the
  stylesheet has no relative file references once inlined.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import re
import sys
import tarfile
import urllib.parse
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "soja_map" / "maps" / "vendor"
MANIFEST = "VENDOR.json"
TIMEOUT = 60

# name -> version, and which files of the tarball to keep.
# "files": (path inside the tarball, output path relative to vendor/<name>/)
PACKAGES: list[dict] = [
    {
        "name": "leaflet",
        "version": "1.9.4",
        "files": [
            ("package/dist/leaflet.js", "leaflet.js"),
            ("package/dist/leaflet.css", "leaflet.css"),
            # Default marker icons, used only if a plain L.Marker / folium.Marker
            # without a custom icon is drawn (the inliner turns them into data
            # URIs). They are tiny.
            ("package/dist/images/marker-icon.png", "images/marker-icon.png"),
            ("package/dist/images/marker-icon-2x.png", "images/marker-icon-2x.png"),
            ("package/dist/images/marker-shadow.png", "images/marker-shadow.png"),
        ],
        "licenses": [("package/LICENSE", "LICENSE")],
    },
    {
        "name": "leaflet.markercluster",
        "version": "1.5.3",
        "files": [
            ("package/dist/leaflet.markercluster.js", "leaflet.markercluster.js"),
            ("package/dist/MarkerCluster.css", "MarkerCluster.css"),
            ("package/dist/MarkerCluster.Default.css", "MarkerCluster.Default.css"),
        ],
        "licenses": [("package/MIT-LICENCE.txt", "MIT-LICENCE.txt")],
    },
]

_SOURCEMAP_RE = re.compile(rb"\n?//# sourceMappingURL=[^\n]*\n?\s*\Z")
_CSS_URL_RE = re.compile(r"url\((['\"]?)(images/[A-Za-z0-9._-]+\.png)\1\)")


def _get(url: str) -> bytes:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme != "https" or parsed.netloc != urllib.parse.urlsplit(REGISTRY).netloc:
        raise SystemExit(f"refusing to fetch from outside the npm registry: {url}")
    req = urllib.request.Request(url, headers={"Accept": "application/json, */*"})
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
        return resp.read()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _verify_integrity(data: bytes, integrity: str, what: str) -> None:
    """Check data against an SRI string such as ``sha512-<base64>``."""
    ok = False
    for token in integrity.split():
        algo, _, expected = token.partition("-")
        if algo != "sha512":  # only accept the strong hash npm publishes
            continue
        got = base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
        if got != expected:
            raise SystemExit(f"INTEGRITY MISMATCH for {what}: {got} != {expected}")
        ok = True
    if not ok:
        raise SystemExit(f"no sha512 integrity for {what}: {integrity!r}")


def _read_member(tar: tarfile.TarFile, path: str) -> bytes:
    member = tar.getmember(path)
    if not member.isfile():
        raise SystemExit(f"{path} is not a regular file in the tarball")
    fh = tar.extractfile(member)
    assert fh is not None
    return fh.read()


def _process_js(data: bytes) -> tuple[bytes, list[str]]:
    new = _SOURCEMAP_RE.sub(b"\n", data)
    notes = ["removed sourceMappingURL comment"] if new != data else []
    _check_embeddable(new, b"</script")
    return new, notes


def _process_css(data: bytes, tar: tarfile.TarFile, css_member: str) -> tuple[bytes, list[str]]:
    text = data.decode("utf-8")
    base = css_member.rsplit("/", 1)[0]
    inlined: list[str] = []

    def repl(m: re.Match) -> str:
        rel = m.group(2)
        png = _read_member(tar, f"{base}/{rel}")
        inlined.append(rel)
        return 'url("data:image/png;base64,' + base64.b64encode(png).decode("ascii") + '")'

    text = _CSS_URL_RE.sub(repl, text)
    out = text.encode("utf-8")
    _check_embeddable(out, b"</style")
    notes = [f"inlined {r} as data URI" for r in inlined]
    # Anything else that would fetch at run time must not be there.
    for m in re.finditer(r"url\(([^)]*)\)", text):
        target = m.group(1).strip("'\"")
        if not target.startswith(("data:", "#")):
            raise SystemExit(f"{css_member}: unhandled url({target}) would need a file at run time")
    if "@import" in text:
        raise SystemExit(f"{css_member}: @import not supported offline")
    return out, notes


def _check_embeddable(data: bytes, closing: bytes) -> None:
    if closing in data.lower():
        raise SystemExit(f"file contains {closing!r}; cannot be inlined safely")


def vendor_package(spec: dict, out_root: Path) -> dict:
    name, version = spec["name"], spec["version"]
    meta = json.loads(_get(f"{REGISTRY}/{urllib.parse.quote(name, safe='@')}/{version}"))
    if meta.get("version") != version:
        raise SystemExit(f"registry returned {meta.get('version')} for {name}@{version}")
    dist = meta["dist"]
    tarball_url, integrity = dist["tarball"], dist["integrity"]
    print(f"{name}@{version}: {tarball_url}")
    tgz = _get(tarball_url)
    _verify_integrity(tgz, integrity, f"{name}@{version}")
    print(f"  integrity ok ({integrity[:30]}...), {len(tgz)} bytes")

    pkg_dir = out_root / name
    pkg_dir.mkdir(parents=True, exist_ok=True)
    files: list[dict] = []
    with tarfile.open(fileobj=io.BytesIO(tgz), mode="r:gz") as tar:
        for member_path, rel_out in spec["files"] + spec["licenses"]:
            raw = _read_member(tar, member_path)
            notes: list[str] = []
            if rel_out.endswith(".js"):
                data, notes = _process_js(raw)
            elif rel_out.endswith(".css"):
                data, notes = _process_css(raw, tar, member_path)
            else:
                data = raw
            dest = pkg_dir / rel_out
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            files.append(
                {
                    "path": f"{name}/{rel_out}",
                    "source": member_path,
                    "upstream_sha256": _sha256(raw),
                    "sha256": _sha256(data),
                    "bytes": len(data),
                    "modifications": notes,
                    "is_license": (member_path, rel_out) in spec["licenses"],
                }
            )
            extra = " " + "; ".join(notes) if notes else ""
            print(f"  wrote {dest.relative_to(out_root)} ({len(data)} bytes){extra}")

    return {
        "name": name,
        "version": version,
        "license": meta.get("license"),
        "homepage": meta.get("homepage"),
        "tarball": tarball_url,
        "integrity": integrity,
        "shasum": dist.get("shasum"),
        "files": files,
    }


def check(out_root: Path) -> int:
    manifest_path = out_root / MANIFEST
    if not manifest_path.exists():
        print(f"missing {manifest_path}; run scripts/vendor_js.py", file=sys.stderr)
        return 1
    manifest = json.loads(manifest_path.read_text("utf-8"))
    wanted = {(p["name"], p["version"]) for p in PACKAGES}
    have = {(p["name"], p["version"]) for p in manifest["packages"]}
    bad = 0
    if wanted != have:
        print(f"VENDOR.json packages {sorted(have)} != script {sorted(wanted)}", file=sys.stderr)
        bad += 1
    for pkg in manifest["packages"]:
        for f in pkg["files"]:
            p = out_root / f["path"]
            if not p.exists() or _sha256(p.read_bytes()) != f["sha256"]:
                print(f"mismatch: {f['path']}", file=sys.stderr)
                bad += 1
    print("vendor check: " + ("OK" if not bad else f"{bad} problem(s)"))
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=VENDOR_DIR, help="vendor directory")
    ap.add_argument(
        "--check", action="store_true", help="verify files against VENDOR.json (no network)"
    )
    args = ap.parse_args(argv)
    out_root: Path = args.out
    if args.check:
        return check(out_root)

    out_root.mkdir(parents=True, exist_ok=True)
    packages = [vendor_package(spec, out_root) for spec in PACKAGES]
    manifest = {
        "generated_by": "scripts/vendor_js.py",
        "registry": REGISTRY,
        "packages": packages,
    }
    (out_root / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    total = sum(f["bytes"] for p in packages for f in p["files"] if not f["is_license"])
    print(f"wrote {out_root / MANIFEST}; {total} bytes of JS/CSS/images")
    return 0


if __name__ == "__main__":
    sys.exit(main())
