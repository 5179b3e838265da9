/* soja-map static export: the behaviour of the exported map (inlined into the one HTML file).
 *
 * Every function takes the folium map and script-safe JSON built in Python (soja_map/maps/).
 * Data strings reach the page as text: tooltips and layer labels are set with textContent or
 * escaped here; the only HTML is what the Jinja2 templates rendered with autoescape.
 */
/* exported sojaControl, sojaPlaces, sojaBindTip, sojaBasemaps, sojaFitView, sojaReady,
   sojaScale, sojaAttribution, sojaPrintLayout, sojaPrintLabels,
   sojaCompact, sojaCirclePoint */
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

/** Reference points (the towns' representative points): small circles in their style. */
function sojaCirclePoint(feature, latlng) {
    return L.circleMarker(latlng, feature.properties.style);
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

/**
 * Print pages (PNG/PDF): the map fills its frame and nothing covers it. The title, the north
 * arrow, the scale, the legend, the 市全域 box, the inset and the credits move out of the map
 * into the side panel (a band under the map in portrait); the map is then resized to its frame.
 * `insetBounds` (or null): the crowded centre, shown as a second map in the panel and framed
 * on the main map.
 */
function sojaPrintLayout(map, insetBounds, texts) {
    var root = document.documentElement, container = map.getContainer();
    root.classList.add('soja-print');
    var side = document.createElement('aside');
    side.className = 'soja-side';
    document.body.appendChild(side);
    var title = document.querySelector('.soja-title');
    if (title) document.body.insertBefore(title, document.body.firstChild);
    // three columns: side by side under a portrait map, one after another beside a landscape one
    var cols = ['soja-col soja-col-a', 'soja-col soja-col-b', 'soja-col soja-col-c'].map(
        function (cls) {
            var div = document.createElement('div');
            div.className = cls;
            side.appendChild(div);
            return div;
        });
    function box(cls, col) {
        var div = document.createElement('div');
        div.className = cls;
        col.appendChild(div);
        return div;
    }
    function take(selector, into) {
        var el = container.querySelector(selector);
        if (el) into.appendChild(el);
        return el;
    }
    var furniture = box('soja-furniture', cols[0]);
    take('.soja-north', furniture);
    take('.leaflet-control-scale', furniture);
    var legend = container.querySelector('.soja-legend');
    if (legend) cols[0].appendChild(legend.parentNode);
    if (insetBounds) {
        var holder = box('soja-inset', cols[1]);
        var caption = document.createElement('div');
        caption.className = 'soja-panel-title';
        caption.textContent = texts.inset;
        holder.appendChild(caption);
        box('soja-inset-map', holder);
    }
    take('.soja-city-wide', cols[1]);
    box('soja-label-note', cols[1]);
    var info = take('.soja-info', cols[2]);
    take('.leaflet-control-attribution', info || cols[2]);
    map.invalidateSize({animate: false});
    sojaFitList(side.querySelector('.soja-city-wide'), texts.more);
    sojaFitSide(side);
    var inset = null;
    if (insetBounds) {
        inset = sojaInsetMap(map, side.querySelector('.soja-inset-map'), insetBounds);
        L.rectangle(inset.getBounds(), {color: texts.ink, weight: 2, dashArray: '6 4',
                                        fill: false, interactive: false}).addTo(map);
    }
    map.sojaInset = inset;
}

/** How far the side panel's content runs past its bottom edge (px; <= 0 when it fits). */
function sojaSideOverflow(side) {
    var bottom = side.getBoundingClientRect().bottom, last = 0;
    side.querySelectorAll('.soja-col > *').forEach(function (el) {
        last = Math.max(last, el.getBoundingClientRect().bottom);
    });
    return last - bottom;
}

/**
 * A side panel whose content runs off the page (many categories in the legend): first the inset
 * gets lower (not below 110 px), then the whole panel is scaled down a step at a time (not below
 * 70 %), so that nothing is cut off and nothing covers the map.
 */
function sojaFitSide(side) {
    var over = sojaSideOverflow(side);
    var insetMap = side.querySelector('.soja-inset-map');
    if (over > 0 && insetMap) {
        var height = insetMap.getBoundingClientRect().height;
        insetMap.style.height = Math.max(110, height - over - 2) + 'px';
        over = sojaSideOverflow(side);
    }
    for (var zoom = 0.95; over > 0 && zoom >= 0.7; zoom -= 0.05) {
        side.style.zoom = String(zoom);
        over = sojaSideOverflow(side);
    }
}

/** Drops the last rows of a clipped list until it fits, and says how many are left out. */
function sojaFitList(box, moreText) {
    if (!box) return;
    var list = box.querySelector('ul'), hidden = 0, more = null;
    while (list && box.scrollHeight > box.clientHeight + 1 && list.children.length > 1) {
        if (more) list.removeChild(more);
        list.removeChild(list.lastElementChild);
        hidden++;
        more = document.createElement('li');
        more.textContent = moreText.replace('{n}', hidden);
        list.appendChild(more);
    }
}

/** A second, still map of `bounds` in `element`, drawing the main map's GeoJSON layers. */
function sojaInsetMap(map, element, bounds) {
    var inset = L.map(element, {
        zoomControl: false, attributionControl: false, fadeAnimation: false,
        zoomAnimation: false, markerZoomAnimation: false, zoomSnap: 0.25, dragging: false,
        scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, keyboard: false,
        touchZoom: false
    });
    map.eachLayer(function (layer) {
        if (layer instanceof L.GeoJSON) {  // folium styles features after adding them
            L.geoJSON(layer.toGeoJSON(), L.extend({}, layer.options, {
                style: function (f) { return f.properties.style || {}; }
            })).addTo(inset);
        }
    });
    inset.fitBounds(bounds, {animate: false, padding: [0, 0]});
    L.control.scale({position: 'bottomleft', metric: true, imperial: false, maxWidth: 90})
        .addTo(inset);
    return inset;
}

/** Does rectangle `a` overlap rectangle `b` ({l, t, r, b} in page pixels)? */
function sojaOverlap(a, b) {
    return a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
}

/**
 * Labels for the markers of one map: the place's short name where it fits next to its marker
 * without covering another label or marker; else the place's number in the list; else nothing.
 * Only markers in the map's view count; `skip` (bounds or null): markers there are labelled
 * elsewhere (in the inset). Returns counts.
 */
function sojaLabelMap(map, labels, skip) {
    var only = map.getBounds();
    var container = map.getContainer(), frame = container.getBoundingClientRect();
    var layer = document.createElement('div');
    layer.className = 'soja-labels';
    container.appendChild(layer);
    var markers = [];
    map.eachLayer(function (l) {
        if (l instanceof L.Marker && l.feature && l._icon && labels[l.feature.id]) markers.push(l);
    });
    var obstacles = markers.map(function (m) {
        var r = m._icon.getBoundingClientRect();
        return {l: r.left, t: r.top, r: r.right, b: r.bottom};
    });
    markers = markers.map(function (m, i) { return {marker: m, rect: obstacles[i]}; })
        .sort(function (a, b) {
            return labels[a.marker.feature.id][0] - labels[b.marker.feature.id][0];
        });
    var placed = [], counts = {named: 0, numbered: 0, dropped: 0};
    function tryPlace(item, text, cls) {
        var el = document.createElement('span');
        el.className = 'soja-label ' + cls;
        el.textContent = text;
        layer.appendChild(el);
        var w = el.offsetWidth, h = el.offsetHeight, m = item.rect, gap = 1;
        var cx = (m.l + m.r) / 2, cy = (m.t + m.b) / 2;
        var spots = [[m.r + gap, cy - h / 2], [m.l - gap - w, cy - h / 2],
                     [cx - w / 2, m.t - gap - h], [cx - w / 2, m.b + gap],
                     [m.r + gap, m.t - h], [m.l - gap - w, m.t - h],
                     [m.r + gap, m.b], [m.l - gap - w, m.b]];
        for (var i = 0; i < spots.length; i++) {
            var box = {l: spots[i][0], t: spots[i][1], r: spots[i][0] + w, b: spots[i][1] + h};
            if (box.l < frame.left || box.t < frame.top || box.r > frame.right ||
                box.b > frame.bottom) continue;
            var free = placed.every(function (p) { return !sojaOverlap(box, p); }) &&
                obstacles.every(function (o) { return !sojaOverlap(box, o); });
            if (free) {
                el.style.left = (box.l - frame.left) + 'px';
                el.style.top = (box.t - frame.top) + 'px';
                placed.push(box);
                return true;
            }
        }
        layer.removeChild(el);
        return false;
    }
    markers.forEach(function (item) {
        var id = item.marker.feature.id, entry = labels[id];
        var at = item.marker.getLatLng();
        if (!only.contains(at) || (skip && skip.contains(at))) return;
        if (tryPlace(item, entry[1], 'soja-label-name')) counts.named++;
        else if (tryPlace(item, String(entry[0]), 'soja-label-no')) counts.numbered++;
        else counts.dropped++;
    });
    return counts;
}

/** Label the printed map (and its inset) and say in the panel how many places have no name. */
function sojaPrintLabels(map, blockId, texts) {
    var labels = JSON.parse(document.getElementById(blockId).textContent).labels || {};
    var run = function () {
        var inset = map.sojaInset, skip = null;
        var counts = {named: 0, numbered: 0, dropped: 0};
        function add(c) {
            counts.named += c.named;
            counts.numbered += c.numbered;
            counts.dropped += c.dropped;
        }
        if (inset) {
            skip = inset.getBounds();
            add(sojaLabelMap(inset, labels, null));
        }
        add(sojaLabelMap(map, labels, skip));
        var root = document.documentElement;
        root.setAttribute('data-labels', [counts.named, counts.numbered, counts.dropped].join(','));
        var note = document.querySelector('.soja-label-note');
        if (note && (counts.numbered || counts.dropped)) {
            note.textContent = texts.labels.replace('{numbered}', counts.numbered)
                .replace('{dropped}', counts.dropped);
        }
        var side = document.querySelector('.soja-side');
        if (side) sojaFitSide(side);  // the note and the loaded fonts may have made it taller
    };
    (document.fonts ? document.fonts.ready : Promise.resolve()).then(run);
}

/**
 * Phones: the legend, the 市全域 box and the credits fold into one control (a button that opens
 * them as a list), so that the map stays visible; wider screens are left as they are.
 */
function sojaCompact(map, texts, maxWidth) {
    if (!window.matchMedia('(max-width: ' + maxWidth + 'px)').matches) return;
    var container = map.getContainer();
    var panels = container.querySelectorAll('.leaflet-control.soja-panel');
    if (!panels.length) return;
    document.documentElement.classList.add('soja-compact-page');
    var control = L.control({position: 'topright'});
    control.onAdd = function () {
        var wrap = L.DomUtil.create('div', 'soja-compact leaflet-bar');
        var button = L.DomUtil.create('button', 'soja-compact-button', wrap);
        var drawer = L.DomUtil.create('div', 'soja-compact-drawer', wrap);
        button.type = 'button';
        button.textContent = texts.open;
        button.setAttribute('aria-expanded', 'false');
        drawer.id = 'soja-compact-drawer';
        button.setAttribute('aria-controls', drawer.id);
        drawer.hidden = true;
        // the legend first: it is what a reader opens the list for
        Array.prototype.slice.call(panels).sort(function (a, b) {
            return Number(!a.querySelector('.soja-legend')) - Number(!b.querySelector('.soja-legend'));
        }).forEach(function (panel) { drawer.appendChild(panel); });
        L.DomEvent.on(button, 'click', function () {
            drawer.hidden = !drawer.hidden;
            button.setAttribute('aria-expanded', String(!drawer.hidden));
            button.textContent = drawer.hidden ? texts.open : texts.close;
        });
        L.DomEvent.disableClickPropagation(wrap);
        L.DomEvent.disableScrollPropagation(wrap);
        return wrap;
    };
    control.addTo(map);
}
