/*
 * soja-map service worker: the resident map opens again with no network.
 *
 * self.SOJA (written by soja_map.web.pwa before this file) = {version, prefix, places}.
 * One cache per version (the data's hash and the app's version): a new data set installs a new
 * cache and the old ones are deleted when it activates.
 *
 *   page (navigation)        network first; the last page is kept; offline, the kept page is served
 *                            with <html data-soja-cached> so the page shows its "cached copy" notice
 *   _dash-layout, -dependencies and other GETs   network first, the kept copy offline
 *   fingerprinted bundles, assets?m=, _soja/      cache first (their URL changes when they do)
 *   _dash-update-component   network; offline, "204 No Content" (Dash: nothing to update), so the
 *                            kept page stays as it is instead of reporting errors
 *
 * The page (assets/soja_boot.js) sends the URLs it loaded before this worker took control.
 */
"use strict";

var SOJA = self.SOJA;
var CACHE = "soja-map-" + SOJA.version;
var PAGE_KEY = SOJA.prefix;  // the page is kept under the app's root, whatever its query string
var CACHED_MARK = "data-soja-cached";

function inScope(url) {
    return url.origin === self.location.origin && url.pathname.indexOf(SOJA.prefix) === 0;
}

function fingerprinted(url) {
    return url.pathname.indexOf("/_dash-component-suites/") >= 0 ||
        url.pathname.indexOf("/_soja/") >= 0 ||
        url.searchParams.has("m") || url.searchParams.has("v");
}

function keep(key, response) {
    if (response && response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
    }
    return response;
}

function markCached(response) {
    return response.text().then(function (html) {
        var headers = new Headers(response.headers);
        headers.delete("Content-Length");
        headers.delete("Content-Encoding");
        return new Response(html.replace("<html ", "<html " + CACHED_MARK + " "), {
            status: 200, headers: headers
        });
    });
}

function page(request) {
    return fetch(request).then(function (response) {
        return keep(PAGE_KEY, response);
    }).catch(function () {
        return caches.match(PAGE_KEY, {cacheName: CACHE}).then(function (kept) {
            return kept ? markCached(kept) : Response.error();
        });
    });
}

function networkFirst(request) {
    return fetch(request).then(function (response) {
        return keep(request, response);
    }).catch(function () {
        return caches.match(request, {cacheName: CACHE}).then(function (kept) {
            return kept || Response.error();
        });
    });
}

function cacheFirst(request) {
    return caches.match(request, {cacheName: CACHE}).then(function (kept) {
        return kept || fetch(request).then(function (response) { return keep(request, response); });
    });
}

function update(request) {
    return fetch(request).catch(function () { return new Response(null, {status: 204}); });
}

// Nothing is fetched at install: the page registers this worker once it has loaded, then sends
// what it loaded (bundles and place data come from the browser's HTTP cache, not the network).
self.addEventListener("install", function (event) {
    event.waitUntil(caches.open(CACHE).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
    event.waitUntil(caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
            return name.indexOf("soja-map-") === 0 && name !== CACHE;
        }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
    var request = event.request;
    var url = new URL(request.url);
    if (!inScope(url)) { return; }
    if (request.method === "POST" && url.pathname === SOJA.prefix + "_dash-update-component") {
        event.respondWith(update(request));
    } else if (request.method !== "GET") {
        return;
    } else if (request.mode === "navigate") {
        event.respondWith(page(request));
    } else if (fingerprinted(url)) {
        event.respondWith(cacheFirst(request));
    } else {
        event.respondWith(networkFirst(request));
    }
});

// the URLs the page loaded before this worker controlled it (same origin, GET, in scope)
self.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type !== "soja-keep" || !Array.isArray(data.urls)) { return; }
    event.waitUntil(caches.open(CACHE).then(function (cache) {
        return Promise.all(data.urls.map(function (href) {
            var url = new URL(href, self.location.href);
            if (!inScope(url) || url.pathname.indexOf("_dash-update-component") >= 0) {
                return null;
            }
            var key = url.pathname === SOJA.prefix ? PAGE_KEY : url.href;
            // the layout holds the page of the address that asks for it (its Referer)
            var request = new Request(url.href, {referrer: data.page || SOJA.prefix});
            return cache.match(key).then(function (kept) {
                return kept || fetch(request).then(function (response) {
                    return response.ok ? cache.put(key, response) : null;
                }).catch(function () { return null; });
            });
        }));
    }));
});
