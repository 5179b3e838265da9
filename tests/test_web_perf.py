"""Serving for phones (web/perf.py) and the offline copy's routes (web/pwa.py): compression, cache
headers, the page's scripts, the service worker, the manifest and its icons, under a sub-path too."""

from __future__ import annotations

import gzip
import io
import json
import re
from typing import Any

import brotli
import pytest
from dash import Dash
from flask import request as flask_request
from PIL import Image

from soja_map.config import Settings
from soja_map.data.dataset import Dataset
from soja_map.web import ids, perf, pwa
from soja_map.web.app import create_app
from soja_map.web.context import build_context
from soja_map.web.markdown_html import markdown_components
from soja_map.web.perf import IMMUTABLE, REVALIDATE, drop_scripts

BR = {"Accept-Encoding": "br, gzip"}
GZIP = {"Accept-Encoding": "gzip"}


def page_call(search: str = "") -> dict[str, Any]:
    """The page callback, as the browser calls it when the address asks for another page."""
    return {
        "output": f"..{ids.PAGE}.children...{ids.PAGE_FOR}.data..",
        "outputs": [
            {"id": ids.PAGE, "property": "children"},
            {"id": ids.PAGE_FOR, "property": "data"},
        ],
        "inputs": [
            {"id": ids.PAGE_REQUEST, "property": "data", "value": {"search": search, "at": 1}}
        ],
        "changedPropIds": [f"{ids.PAGE_REQUEST}.data"],
        "state": [],
    }


@pytest.fixture(scope="module")
def app(settings: Settings, dataset: Dataset) -> Dash:
    return create_app(settings, dataset)


@pytest.fixture(scope="module")
def sub_app(settings: Settings, dataset: Dataset) -> Dash:
    # how a reverse proxy serves it below /soja/ (Dash reads the prefix from the environment)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DASH_URL_BASE_PATHNAME", "/soja/")
        return create_app(settings, dataset)


def get(client: Any, url: str, headers: dict[str, str] | None = None) -> Any:
    """A GET whose answer is read and closed (assets come as file streams)."""
    with client.get(url, headers=headers or {}) as answer:
        answer.get_data()
    return answer


def script_urls(page: str) -> list[str]:
    return re.findall(r'<script[^>]*\ssrc="([^"]+)"', page)


def test_the_page_and_its_bundles_come_compressed(app: Dash) -> None:
    client = app.server.test_client()
    page = get(client, "/")
    urls = ["/", "/_dash-layout", "/_dash-dependencies", *script_urls(page.get_data(as_text=True))]
    for url in urls:
        plain = get(client, url)
        if len(plain.data) < 500:  # too small to gain (COMPRESS_MIN_SIZE)
            assert "Content-Encoding" not in get(client, url, BR).headers
            continue
        packed = get(client, url, BR)
        assert packed.headers.get("Content-Encoding") == "br", url
        if url == "/":  # the page carries a per-request token (Dash's config)
            assert brotli.decompress(packed.data).startswith(b"<!DOCTYPE html>")
            continue
        assert brotli.decompress(packed.data) == plain.data, url
        assert "Accept-Encoding" in packed.headers["Vary"], url
        zipped = get(client, url, GZIP)
        assert zipped.headers.get("Content-Encoding") == "gzip", url
        assert gzip.decompress(zipped.data) == plain.data, url
    # the callbacks' JSON answers too (the page is rendered by one)
    rendered = client.post("/_dash-update-component", json=page_call(), headers=BR)
    assert rendered.headers["Content-Encoding"] == "br"
    assert json.loads(brotli.decompress(rendered.data))["response"]["page"]["children"]


def test_fingerprinted_files_are_immutable_and_the_rest_revalidated(app: Dash) -> None:
    client = app.server.test_client()
    page = get(client, "/", BR)
    assert page.headers["Cache-Control"] == REVALIDATE
    for url in ("/_dash-layout", "/_dash-dependencies", "/sw.js", "/manifest.webmanifest"):
        first = get(client, url, BR)
        assert first.headers["Cache-Control"] == REVALIDATE, url
        tag = first.headers["ETag"]
        again = get(client, url, {**BR, "If-None-Match": tag})
        assert again.status_code == 304, url
        assert not again.data
    urls = script_urls(get(client, "/").get_data(as_text=True))
    assert urls
    for url in urls:
        assert get(client, url).headers["Cache-Control"] == IMMUTABLE, url
    # a callback's answer is never cached
    rendered = client.post("/_dash-update-component", json=page_call())
    assert rendered.status_code == 200
    assert "Cache-Control" not in rendered.headers


def test_the_page_loads_only_what_it_uses_and_no_inline_script(app: Dash) -> None:
    html = app.server.test_client().get("/").get_data(as_text=True)
    urls = script_urls(html)
    assert not [u for u in urls if "dash_table" in u or "polyfill" in u]
    assert any("dash_renderer" in u for u in urls)
    assert any("dash_leaflet" in u for u in urls)
    # Content-Security-Policy "script-src 'self'": every script is a file; Dash's config is JSON
    for tag in re.findall(r"<script[^>]*>", html):
        assert ' src="' in tag or 'type="application/json"' in tag, tag
    assert re.search(r'<script id="_dash-renderer" src="/_soja/renderer\.js\?v=[\d.]+"', html)
    renderer = app.server.test_client().get("/_soja/renderer.js?v=1")
    assert renderer.mimetype == "text/javascript"
    assert renderer.get_data(as_text=True) == app.renderer


def test_drop_scripts_removes_only_the_named_bundles() -> None:
    scripts = (
        '<script src="/_dash-component-suites/dash/deps/polyfill@7.v4m1.12.1.min.js"></script>\n'
        '<script src="/_dash-component-suites/dash/deps/react@18.v4m1.min.js"></script>\n'
        '<script src="/_dash-component-suites/dash/dash_table/bundle.v7m1.js"></script>\n'
        "<script>inline()</script>"
    )
    assert drop_scripts(scripts) == (
        '<script src="/_dash-component-suites/dash/deps/react@18.v4m1.min.js"></script>\n'
        "<script>inline()</script>"
    )


def test_the_worker_and_manifest_are_served_with_the_data_version(
    app: Dash, settings: Settings, dataset: Dataset, small_dataset: Dataset
) -> None:
    client = app.server.test_client()
    ctx = build_context(settings, dataset, url_for=lambda p: "/" + p)
    worker = get(client, "/sw.js")
    assert worker.status_code == 200
    assert worker.mimetype == "text/javascript"
    head = worker.get_data(as_text=True).splitlines()[0]
    config = json.loads(head.removeprefix("self.SOJA = ").removesuffix(";"))
    assert config == {
        "version": pwa.cache_version(ctx),
        "prefix": "/",
        "places": ctx.places_url,
    }
    other = build_context(settings, small_dataset, url_for=lambda p: "/" + p)
    assert pwa.cache_version(other) != pwa.cache_version(ctx)  # new data, new cache

    manifest = get(client, "/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    data = manifest.get_json(force=True)
    assert data["name"] == "総社市 重点プロジェクトマップ"
    assert data["start_url"] == data["scope"] == "/"
    assert data["display"] == "standalone"
    sizes = {}
    for icon in data["icons"]:
        answer = get(client, icon["src"])
        assert answer.status_code == 200, icon
        assert answer.mimetype == icon["type"]
        if icon["type"] == "image/png":
            with Image.open(io.BytesIO(answer.data)) as image:
                sizes[icon["sizes"]] = image.size
    assert sizes == {"192x192": (192, 192), "512x512": (512, 512)}
    assert get(client, "/_soja/secret.txt").status_code == 404
    page = get(client, "/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<link rel="icon" type="image/svg+xml" href="/_soja/icon.svg">' in page
    assert "_favicon.ico" not in page
    assert any(u.startswith("/assets/soja_boot.js") for u in script_urls(page))


def test_everything_lives_under_a_sub_path(sub_app: Dash) -> None:
    client = sub_app.server.test_client()
    page = get(client, "/soja/", BR)
    assert page.status_code == 200
    assert page.headers["Content-Encoding"] == "br"
    html = brotli.decompress(page.data).decode()
    assert '<link rel="manifest" href="/soja/manifest.webmanifest">' in html
    assert '<script id="_dash-renderer" src="/soja/_soja/renderer.js' in html
    for url in script_urls(html):
        assert url.startswith("/soja/"), url
        answer = get(client, url)
        assert answer.status_code == 200, url
        assert answer.headers["Cache-Control"] == IMMUTABLE, url
    worker = get(client, "/soja/sw.js").get_data(as_text=True)
    assert '"prefix": "/soja/"' in worker
    assert '"places": "/soja/_soja/places.' in worker
    manifest = get(client, "/soja/manifest.webmanifest").get_json(force=True)
    assert manifest["scope"] == manifest["start_url"] == "/soja/"
    assert all(i["src"].startswith("/soja/_soja/icon") for i in manifest["icons"])
    assert get(client, manifest["icons"][1]["src"]).status_code == 200
    assert get(client, "/sw.js").status_code == 404


def test_the_cached_copy_notice_carries_the_data_date(app: Dash, dataset: Dataset) -> None:
    answer = app.server.test_client().post("/_dash-update-component", json=page_call("lang=en"))
    text = answer.get_data(as_text=True)
    _start, end = dataset.as_of_range()
    notice = re.search(rf'"id":\s*"{ids.CACHED_NOTICE}"', text)
    assert notice
    assert f"No connection: showing the saved copy (data as of {end})." in text


def test_markdown_becomes_plain_components() -> None:
    text = (
        "# Title\n\nSee [the source](https://example.org/a) and `code`.\n\n"
        "| a | b |\n|---|---|\n| 1 | **2** |\n\n- one\n- two\n\n"
        "[bad](javascript:alert(1)) <script>x()</script>\n"
    )
    tree = json.loads(json.dumps(markdown_components(text), default=lambda c: c.to_plotly_json()))

    def find(node: Any, kind: str) -> list[dict[str, Any]]:
        found = []
        if isinstance(node, list):
            for item in node:
                found += find(item, kind)
        elif isinstance(node, dict):
            if node.get("type") == kind:
                found.append(node)
            found += find(node.get("props", {}).get("children"), kind)
        return found

    links = find(tree, "A")
    assert [a["props"]["href"] for a in links] == ["https://example.org/a"]
    assert links[0]["props"]["target"] == "_blank"
    assert len(find(tree, "Td")) == 2
    assert len(find(tree, "Li")) == 2
    assert find(tree, "Code")[0]["props"]["children"] == "code"
    # raw HTML is shown as text, never as markup
    assert find(tree, "P")[-1]["props"]["children"][1:] == ["<script>", "x()", "</script>"]
    assert find(tree, "H3")[0]["props"]["children"] == ["Title"]


def test_the_first_layout_holds_the_page_of_the_address(app: Dash, sub_app: Dash) -> None:
    client = app.server.test_client()
    asked = get(client, "/_dash-layout", {"Referer": "http://localhost/?view=list&lang=en"})
    assert "Referer" in asked.headers["Vary"]
    layout = asked.get_json()
    shell = layout["props"]["children"]
    by_id = {c["props"].get("id"): c for c in shell}
    assert by_id[ids.PAGE_FOR]["props"]["data"] == "view=list&lang=en"
    page = by_id[ids.PAGE]["props"]["children"]
    assert page["props"]["className"] == "soja-app view-list"
    assert page["props"]["lang"] == "en"
    # unknown address (no Referer, or not this app's page): the empty shell, filled by the callback
    for headers in ({}, {"Referer": "http://localhost/other/?lang=en"}):
        empty = get(client, "/_dash-layout", headers).get_json()["props"]["children"]
        by_id = {c["props"].get("id"): c for c in empty}
        assert by_id[ids.PAGE]["props"].get("children") is None
        assert by_id[ids.PAGE_FOR]["props"]["data"] is None
    below = get(sub_app.server.test_client(), "/soja/_dash-layout", {"Referer": "http://x/soja/"})
    by_id = {c["props"].get("id"): c for c in below.get_json()["props"]["children"]}
    assert by_id[ids.PAGE_FOR]["props"]["data"] == ""
    assert by_id[ids.PAGE]["props"]["children"]["props"]["lang"] == "ja"


def test_a_proxy_that_strips_the_sub_path(settings: Settings, dataset: Dataset) -> None:
    # the browser asks for /soja/..., the proxy passes /... on: routes at /, URLs below /soja/
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("DASH_URL_BASE_PATHNAME", raising=False)
        patch.setenv("DASH_REQUESTS_PATHNAME_PREFIX", "/soja/")
        stripped = create_app(settings, dataset)
    client = stripped.server.test_client()
    html = get(client, "/").get_data(as_text=True)
    assert '<link rel="manifest" href="/soja/manifest.webmanifest">' in html
    for url in script_urls(html):
        assert url.startswith("/soja/"), url
        assert get(client, url.removeprefix("/soja")).status_code == 200, url
    assert '"prefix": "/soja/"' in get(client, "/sw.js").get_data(as_text=True)
    layout = get(client, "/_dash-layout", {"Referer": "https://example.org/soja/?lang=en"})
    by_id = {c["props"].get("id"): c for c in layout.get_json()["props"]["children"]}
    assert by_id[ids.PAGE]["props"]["children"]["props"]["lang"] == "en"


def test_a_layout_is_built_once_per_address_and_the_cache_stays_small(
    settings: Settings, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building a first layout takes ~170 ms of Python: a worker keeps the last few (by the page's
    query string), so a busy day's common links cost a lookup. Vary: Referer keeps caches apart."""
    import soja_map.web.app as web_app  # noqa: PLC0415 - the name the layout function looks up

    built: list[str | None] = []
    real = web_app.first_layout

    def counting(ctx: Any, search: str | None) -> Any:
        built.append(search)
        return real(ctx, search)

    monkeypatch.setattr(web_app, "first_layout", counting)
    client = create_app(settings, dataset).server.test_client()
    get(client, "/_dash-layout", {"Referer": "http://localhost/?view=list"})
    built.clear()  # Dash also builds one on its first request, to check it
    ja = get(client, "/_dash-layout", {"Referer": "http://localhost/"})
    again = get(client, "/_dash-layout", {"Referer": "http://localhost/"})
    en = get(client, "/_dash-layout", {"Referer": "http://localhost/?lang=en"})
    assert again.get_data() == ja.get_data()
    assert en.get_json()["props"]["children"] != ja.get_json()["props"]["children"]
    assert built == ["", "lang=en"]
    assert again.mimetype == "application/json"
    assert "Referer" in again.headers["Vary"]
    # a flood of odd addresses evicts, it does not grow without bound
    for i in range(perf.LAYOUT_CACHE_SIZE + 5):
        get(client, "/_dash-layout", {"Referer": f"http://localhost/?q=x{i}"})
    built.clear()
    get(client, "/_dash-layout", {"Referer": "http://localhost/"})
    assert built == [""]  # the bare map was evicted, and built again


def test_compressed_bundles_are_reused_and_callbacks_never_are(
    settings: Settings, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flask_compress.flask_compress as fc  # noqa: PLC0415 - the function counted

    compressed: list[int] = []
    real = fc._compress_data

    def counting(app: Any, data: bytes, algorithm: str) -> bytes:
        compressed.append(len(data))
        return real(app, data, algorithm)

    monkeypatch.setattr(fc, "_compress_data", counting)
    app = create_app(settings, dataset)
    client = app.server.test_client()
    key = app.server.config["COMPRESS_CACHE_KEY"]
    with app.server.test_request_context("/_dash-update-component", method="POST"):
        assert key(flask_request).endswith(perf.NO_KEY)
    with app.server.test_request_context("/_soja/health"):
        assert key(flask_request).endswith(perf.NO_KEY)
    with app.server.test_request_context("/assets/soja_map.css"):  # not versioned: may change
        assert key(flask_request).endswith(perf.NO_KEY)
    page = get(client, "/", {"Accept-Encoding": "br"}).get_data()
    page = brotli.decompress(page).decode()
    bundle = next(u for u in script_urls(page) if "_dash-component-suites" in u)
    compressed.clear()
    first = get(client, bundle, {"Accept-Encoding": "br"})
    again = get(client, bundle, {"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br"
    assert again.get_data() == first.get_data()
    assert len(compressed) == 1  # the second answer reused the first's bytes
    cache_size = perf.CompressedCache(size=2)
    for i in range(5):
        cache_size.set(f"br;/x{i}", b"x")
    assert list(cache_size._items) == ["br;/x3", "br;/x4"]
    cache_size.set(f"br;{perf.NO_KEY}", b"y")
    assert cache_size.get(f"br;{perf.NO_KEY}") is None
