/* soja-map static export: the behaviour of the exported map (inlined into the one HTML file).
 *
 * Every function takes the folium map and script-safe JSON built in Python (soja_map/maps/).
 * Data strings reach the page as text: tooltips and layer labels are set with textContent or
 * escaped here; the only HTML is what the Jinja2 templates rendered with autoescape.
 */
/* exported sojaControl, sojaPlaces, sojaBindTip, sojaBasemaps, sojaFitView, sojaReady,
   sojaScale, sojaAttribution */
'use strict';

/** `text` as HTML that shows exactly that text (for Leaflet APIs that take HTML strings). */
function sojaText(text) {
    var div = document.createElement('div');
    div.textContent = text == null ? '' : String(text);
    return div.innerHTML;
}

/** A tooltip element holding `text` as text. */
function sojaTip(text) {
    var span = document.createElement('span');
    span.textContent = text;
    return span;
}

/** A Leaflet control showing template-rendered (escaped) HTML. */
function sojaControl(map, position, cssClass, html) {
    var control = L.control({position: position});
    control.onAdd = function () {
        var div = L.DomUtil.create('div', cssClass);
        div.innerHTML = html;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
    };
    control.addTo(map);
}

/**
 * Options for the places' GeoJSON layer: styling's SVG markers, popups and tooltips. The data is
 * the JSON block `<script type="application/json" id="...">` ({icons, popups, size, print});
 * read once per block and shared by both callbacks.
 */
var sojaPlacesCache = {};
function sojaPlaces(blockId) {
    if (sojaPlacesCache[blockId]) return sojaPlacesCache[blockId];
    var data = JSON.parse(document.getElementById(blockId).textContent);
    var icons = data.icons, popups = data.popups, size = data.size, half = Math.floor(size / 2);
    var cache = {}, top = null;
    sojaPlacesCache[blockId] = {
        pointToLayer: function (feature, latlng) {
            var p = feature.properties, o = p.offset || [0, 0], key = p.icon + '|' + o;
            if (!cache[key]) {
                cache[key] = L.divIcon({
                    html: icons[p.icon], className: 'soja-pin',
                    iconSize: [size, size], iconAnchor: [half - o[0], half - o[1]],
                    popupAnchor: [0, -half], tooltipAnchor: [half, 0]
                });
            }
            return L.marker(latlng, {icon: cache[key], keyboard: true, riseOnHover: true});
        },
        onEachFeature: function (feature, layer) {
            var p = popups[feature.id];
            if (data.print || !p) return;  // nobody can click a printed map
            if (top === null) {
                var title = document.querySelector('.soja-title');
                top = title ? title.getBoundingClientRect().bottom + 10 : 10;
            }
            layer.bindPopup(p[0], {maxWidth: 360, className: 'soja-popup-box',
                                   autoPanPaddingTopLeft: [10, top]});
            layer.bindTooltip(sojaTip(p[1]), {direction: 'top', sticky: !feature.properties.icon});
        }
    };
    return sojaPlacesCache[blockId];
}

/** Reference features: their name (`properties.tip`, text) as a tooltip. */
function sojaBindTip(feature, layer) {
    if (feature.properties.tip) layer.bindTooltip(sojaTip(feature.properties.tip), {sticky: true});
}

/**
 * Background tiles that fail quietly offline, and (interactive maps) the layer switcher.
 * A tile set is added only after ONE probe tile has loaded: offline that is one failed request
 * instead of one per visible tile, and the map falls back to "no background" with a notice.
 */
function sojaBasemaps(map, defs, initialKey, overlays, texts, showControl, showNotice, timeoutMs) {
    var root = document.documentElement;
    var none = L.layerGroup(), bases = {}, real = {}, stand = {}, verified = {};
    var notice = null;
    bases[sojaText(texts.none)] = none;
    function label(text) {
        document.querySelectorAll('.soja-info-tiles').forEach(function (el) {
            el.textContent = text;
        });
    }
    none.on('add', function () { label(texts.noneText); });
    function warn() {
        root.setAttribute('data-tiles', 'failed');
        if (!showNotice || notice) return;
        notice = L.control({position: 'bottomright'});
        notice.onAdd = function () {
            var div = L.DomUtil.create('div', 'soja-notice');
            div.textContent = texts.failed;
            return div;
        };
        notice.addTo(map);
    }
    function probeUrl(layer) {
        var z = Math.max(0, Math.min(Math.round(map.getZoom()), layer.options.maxNativeZoom));
        var c = map.project(map.getCenter(), z).divideBy(256).floor();
        return L.Util.template(layer._url, {s: 'a', x: c.x, y: c.y, z: z, r: ''});
    }
    defs.forEach(function (d) {
        real[d.key] = L.tileLayer(d.url, d.options);
        var group = stand[d.key] = L.layerGroup();
        bases[sojaText(d.name)] = group;
        group.on('add', function () {
            if (verified[d.key]) { real[d.key].addTo(map); label(d.text); return; }
            window.__sojaTileProbe = 'pending';
            var img = new Image(), settled = false;
            function fail() {
                if (settled) return;
                settled = true;
                window.__sojaTileProbe = 'failed';
                if (map.hasLayer(group)) { map.removeLayer(group); none.addTo(map); }
                warn();
            }
            img.onload = function () {
                if (settled) return;
                settled = true;
                verified[d.key] = true;
                window.__sojaTileProbe = 'ok';
                root.setAttribute('data-tiles', 'ok');
                if (map.hasLayer(group)) { real[d.key].addTo(map); label(d.text); }
            };
            img.onerror = fail;
            // a closed network may drop packets rather than refuse them
            setTimeout(fail, timeoutMs);
            img.src = probeUrl(real[d.key]);
        });
        group.on('remove', function () {
            if (map.hasLayer(real[d.key])) map.removeLayer(real[d.key]);
        });
    });
    if (showControl) {
        var over = {};
        overlays.forEach(function (o) { over[sojaText(o[0])] = o[1]; });
        L.control.layers(bases, over, {position: 'topleft', collapsed: true}).addTo(map);
    }
    (initialKey ? stand[initialKey] : none).addTo(map);
}

/**
 * Fit the bounds into the part of the map the title and panels leave free (at load). The top
 * corners' panels go below the title; each may be kept free as a strip down its side or as a
 * band across the top: the layout that gives the largest map wins.
 */
function sojaFitView(map, bounds) {
    var container = map.getContainer(), box = container.getBoundingClientRect();
    var title = document.querySelector('.soja-title');
    var titleBottom = title ? Math.max(0, title.getBoundingClientRect().bottom - box.top) : 0;
    container.querySelectorAll('.leaflet-top').forEach(function (el) {
        el.style.top = titleBottom + 'px';
    });
    function corner(selector) {
        var el = container.querySelector(selector);
        if (!el || !el.children.length) return {w: 0, h: 0, bottom: 0};
        var r = el.getBoundingClientRect();
        return {w: r.width, h: r.height, bottom: r.bottom - box.top};
    }
    var tl = corner('.leaflet-top.leaflet-left'), tr = corner('.leaflet-top.leaflet-right');
    var bottom = Math.max(corner('.leaflet-bottom.leaflet-left').h,
                          corner('.leaflet-bottom.leaflet-right').h);
    bottom = Math.min(bottom, box.height * 0.4);
    var best = null;
    [true, false].forEach(function (leftSide) {
        [true, false].forEach(function (rightSide) {
            var left = leftSide ? tl.w : 0, right = rightSide ? tr.w : 0;
            var top = Math.max(titleBottom, leftSide ? 0 : tl.bottom, rightSide ? 0 : tr.bottom);
            var tlPad = L.point(left + 6, top + 6), brPad = L.point(right + 6, bottom + 6);
            var room = map.getSize().subtract(tlPad.add(brPad));
            if (room.x <= 0 || room.y <= 0) return;  // no room left: Leaflet would say max zoom
            var zoom = map.getBoundsZoom(bounds, false, tlPad.add(brPad));
            if (!best || zoom > best.zoom) best = {zoom: zoom, tl: tlPad, br: brPad};
        });
    });
    map.fitBounds(bounds, {paddingTopLeft: best.tl, paddingBottomRight: best.br,
                           maxZoom: 16, animate: false});
}

/** Sets `<html data-map-ready>` once fonts, the map and any tiles have settled (renderers wait). */
function sojaReady(map, timeoutMs) {
    window.addEventListener('load', function () {
        var root = document.documentElement, done = false;
        function finish(why) {
            if (done) return;
            done = true;
            requestAnimationFrame(function () { requestAnimationFrame(function () {
                root.setAttribute('data-map-ready', why);
            }); });
        }
        function check() {
            if (window.__sojaTileProbe === 'pending') { setTimeout(check, 50); return; }
            var busy = [];
            map.eachLayer(function (l) {
                if (l instanceof L.GridLayer && l.isLoading()) busy.push(l);
            });
            if (!busy.length) { finish('ok'); return; }
            var n = busy.length;
            busy.forEach(function (l) {
                l.once('load', function () { if (--n === 0) finish('tiles'); });
            });
        }
        (document.fonts ? document.fonts.ready : Promise.resolve()).then(function () {
            map.whenReady(check);
        });
        setTimeout(function () { finish('timeout'); }, timeoutMs);
    });
}

/** A metric scale bar, bottom left. */
function sojaScale(map) {
    L.control.scale({position: 'bottomleft', metric: true, imperial: false, maxWidth: 160})
        .addTo(map);
}

/** A plain "Leaflet" credit (the default prefix carries a flag icon). */
function sojaAttribution(map) {
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
}
