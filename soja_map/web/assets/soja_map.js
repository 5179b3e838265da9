/*
 * soja-map: the browser side of the resident map.
 *
 * window.sojaMap.geo      functions dash-leaflet calls (Python: Namespace("sojaMap", "geo")("name")).
 *                         dash-leaflet passes the GeoJSON component's props as the LAST argument,
 *                         so `context.hideout` is the hideout prop. Everything they draw comes from
 *                         the hideout (styles built by soja_map.styling) or the feature's properties.
 *                         Words come from the message catalogue too: `hideout.words` holds the
 *                         catalogue's `js_*` messages (soja_map.web.mapdata.browser_words), so no
 *                         text is written here, and a language switch re-renders them.
 * window.sojaMap.filter   the place filter: the same predicate as soja_map.filters.mask, and the
 *                         style key of soja_map.web.mapdata.style_key (browser tests check both).
 * dash_clientside.sojaMap clientside callbacks (filter the places, geolocation, URL, panel).
 *
 * Text from data reaches the page only as text (textContent, title/alt attributes), never as HTML.
 * Leaflet (window.L) is used only inside functions: this file may load before dash_leaflet.js.
 */
(function () {
    "use strict";

    // -- the filter (mirrors soja_map.filters) ------------------------------------------------------

    // normalise_text: NFKC, lower case, katakana -> hiragana, drop spaces and punctuation
    var DROP = /[\s・･\-‐ー―()（）「」『』\[\]【】.,、。]/g;

    function normaliseText(text) {
        if (typeof text !== "string" || !text) { return ""; }
        var folded = text.normalize("NFKC").toLowerCase();
        var out = "";
        for (var i = 0; i < folded.length; i++) {
            var code = folded.charCodeAt(i);
            out += (code >= 0x30A1 && code <= 0x30F6) ? String.fromCharCode(code - 0x60) : folded.charAt(i);
        }
        return out.replace(DROP, "");
    }

    function anyIn(values, wanted) {
        if (!values) { return false; }
        for (var i = 0; i < values.length; i++) {
            if (wanted.indexOf(values[i]) >= 0) { return true; }
        }
        return false;
    }

    // filters.mask for one place: props are the feature's properties, flt is Filter.to_dict()
    function matches(props, hasGeometry, flt, needle) {
        if (!flt) { return true; }
        if (flt.projects !== null && flt.projects !== undefined && !anyIn(props.projects, flt.projects)) { return false; }
        if (flt.policies && flt.policies.length && !anyIn(props.policies, flt.policies)) { return false; }
        if (flt.measures && flt.measures.length && !anyIn(props.measures, flt.measures)) { return false; }
        if (flt.categories && flt.categories.length && flt.categories.indexOf(props.category) < 0) { return false; }
        if (flt.towns && flt.towns.length && flt.towns.indexOf(props.town_area) < 0) { return false; }
        if (flt.text) {
            var n = needle === undefined ? normaliseText(flt.text) : needle;
            if ((props.search_key || "").indexOf(n) < 0) { return false; }
        }
        if (flt.include_city_wide === false && !hasGeometry) { return false; }
        return true;
    }

    // mapdata.style_key: category + the colours of the place's projects that are shown (plan order)
    function styleKey(props, active, style) {
        var colours = [];
        for (var i = 0; i < style.order.length; i++) {
            var p = style.order[i];
            if (props.projects.indexOf(p) >= 0 && (active === null || active === undefined || active.indexOf(p) >= 0)) {
                colours.push(style.colours[p]);
            }
        }
        if (!colours.length) { colours.push(style.neutral); }
        return [props.category].concat(colours).join("|");
    }

    // Split a FeatureCollection into [points, shapes] that pass the filter, each stamped with the
    // style key for the projects shown (a copy only when the key differs from the default one).
    function filterCollection(fc, flt) {
        var points = [], shapes = [];
        var style = fc.soja || {order: [], colours: {}, neutral: "#6E6E6E"};
        var needle = flt && flt.text ? normaliseText(flt.text) : "";
        var active = flt ? flt.projects : null;
        var features = fc.features;
        for (var i = 0; i < features.length; i++) {
            var f = features[i];
            var p = f.properties;
            if (!matches(p, !!f.geometry, flt, needle)) { continue; }
            if (active !== null && active !== undefined) {
                var key = styleKey(p, active, style);
                if (key !== p.style_key) {
                    f = {type: "Feature", geometry: f.geometry, properties: Object.assign({}, p, {style_key: key})};
                }
            }
            (f.geometry && f.geometry.type === "Point" ? points : shapes).push(f);
        }
        return {points: {type: "FeatureCollection", features: points},
                shapes: {type: "FeatureCollection", features: shapes}};
    }

    // -- drawing ------------------------------------------------------------------------------------

    function hideoutOf(context) { return (context && context.hideout) || {}; }

    // Translator.pick, for names in the features: the English one in English when it exists
    function displayName(props, lang) {
        return (lang === "en" && props.name_en) ? props.name_en : (props.name_ja || "");
    }

    // A catalogue message with its {fields} filled: word(h, "cluster_title", {n: "12"})
    function word(h, key, values) {
        var text = (h.words && h.words[key]) || "";
        return text.replace(/\{(\w+)\}/g, function (whole, name) {
            return Object.prototype.hasOwnProperty.call(values || {}, name) ? String(values[name]) : whole;
        });
    }

    function textElement(text) {
        var span = document.createElement("span");
        span.textContent = text;
        return span;
    }

    var iconCache = {};

    // keyed by language too: the glyphs differ (styling.GLYPHS_BY_LANG), the style key does not
    function iconFor(key, h) {
        var cacheKey = (h.lang || "") + "|" + key;
        var icon = iconCache[cacheKey];
        if (icon) { return icon; }
        var parts = key.split("|");
        var projects = [];
        for (var p in h.colours) {
            if (Object.prototype.hasOwnProperty.call(h.colours, p) && parts.indexOf(h.colours[p]) > 0) {
                projects.push("soja-proj-" + p);
            }
        }
        var svg = (h.icons && h.icons[key]) || "";
        icon = L.icon({
            iconUrl: "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg),
            iconSize: [26, 26], iconAnchor: [13, 13], popupAnchor: [0, -13], tooltipAnchor: [13, 0],
            className: "soja-pt soja-cat-" + parts[0] + " " + projects.join(" ")
        });
        iconCache[cacheKey] = icon;
        return icon;
    }

    // The data's credit (escaped by the server, web.views.data_credit) leads the attribution
    // control, before the credit of whichever tiles are on; set once per map and language
    function creditOnAdd(marker, h) {
        if (!h.credit) { return marker; }
        marker.once("add", function () {
            var map = marker._map;
            if (map && map.attributionControl && map._sojaCredit !== h.credit) {
                map._sojaCredit = h.credit;
                map.attributionControl.setPrefix(h.credit);
            }
        });
        return marker;
    }

    function placeMarker(feature, latlng, context) {
        var h = hideoutOf(context);
        var p = feature.properties || {};
        var name = displayName(p, h.lang);
        return creditOnAdd(L.marker(latlng, {
            icon: iconFor(p.style_key, h), title: name, alt: name, keyboard: true, riseOnHover: true
        }), h);
    }

    // Supercluster's map/reduce (superClusterOptions): each cluster carries how many of its places
    // serve each shown project (pc_<colour>), summed while the index is built, so drawing a
    // cluster never looks up its leaves
    // keyed by the colours of the style key, i.e. the place's projects that are shown now
    function clusterMap(props) {
        var out = {};
        var colours = String(props.style_key || "").split("|").slice(1);
        for (var i = 0; i < colours.length; i++) { out["pc_" + colours[i]] = 1; }
        return out;
    }

    function clusterReduce(acc, props) {
        for (var key in props) {
            if (key.indexOf("pc_") === 0) { acc[key] = (acc[key] || 0) + props[key]; }
        }
    }

    // a ring split by the colours of the projects inside (the projects shown, plan order)
    function clusterRing(props, h, size) {
        var parts = [], total = 0, order = h.order || [];
        for (var i = 0; i < order.length; i++) {
            var colour = h.colours && h.colours[order[i]];
            var n = colour ? props["pc_" + colour] || 0 : 0;
            if (n > 0) { parts.push([order[i], n]); total += n; }
        }
        if (!total) { return {svg: "", projects: ""}; }
        var r = size / 2 - 3, c = 2 * Math.PI * r, offset = 0, arcs = "";
        for (var j = 0; j < parts.length; j++) {
            var len = c * parts[j][1] / total;
            arcs += '<circle r="' + r + '" cx="' + size / 2 + '" cy="' + size / 2 + '" fill="none" stroke="' +
                h.colours[parts[j][0]] + '" stroke-width="6" stroke-dasharray="' + len.toFixed(2) + ' ' +
                (c - len).toFixed(2) + '" stroke-dashoffset="' + (-offset).toFixed(2) + '" transform="rotate(-90 ' +
                size / 2 + ' ' + size / 2 + ')"/>';
            offset += len;
        }
        return {
            svg: '<svg class="soja-cluster-ring" width="' + size + '" height="' + size + '" aria-hidden="true">' + arcs + "</svg>",
            projects: parts.map(function (p) { return p[0] + ":" + p[1]; }).join(",")
        };
    }

    // Clusters show their exact size (data-count, for tests and screen readers via title) and
    // the projects inside (a ring; data-projects)
    function clusterMarker(feature, latlng, index, context) {
        var h = hideoutOf(context);
        var n = feature.properties.point_count;
        var size = n < 10 ? 34 : n < 100 ? 40 : n < 1000 ? 46 : 54;
        var label = n < 1000 ? String(n) : n < 10000 ? (n / 1000).toFixed(1) + "k" : Math.round(n / 1000) + "k";
        var title = word(h, "cluster_title", {n: n.toLocaleString(h.lang || undefined)});
        var ring = clusterRing(feature.properties, h, size);
        var icon = L.divIcon({
            html: ring.svg + "<span>" + label + "</span>",
            className: "marker-cluster soja-cluster",
            iconSize: L.point(size, size)
        });
        var marker = creditOnAdd(L.marker(latlng, {icon: icon, title: title, alt: title, keyboard: true}), h);
        marker.on("add", function () {
            var el = marker.getElement();
            if (el) {
                el.setAttribute("data-count", String(n));
                el.setAttribute("data-projects", ring.projects);
            }
        });
        return marker;
    }

    // A hover label with the name, for lines, areas and reference features (markers have a title)
    function bindName(feature, layer, context) {
        var p = feature.properties || {};
        if (p.cluster || !p.name_ja || (window.L && layer instanceof L.Marker)) { return; }
        layer.bindTooltip(textElement(displayName(p, hideoutOf(context).lang)), {sticky: true});
    }

    // Reference features (towns, school districts) carry their name as a permanent label, shown
    // from the zoom where labels no longer pile up (classes on the map container, soja_map.css)
    var LABEL_ZOOM = {towns: 14, elementary: 12, junior_high: 12};

    function watchZoom(map) {
        if (!map || map._sojaLabelZoom) { return; }
        map._sojaLabelZoom = true;
        var update = function () {
            var z = map.getZoom(), box = map.getContainer();
            Object.keys(LABEL_ZOOM).forEach(function (key) {
                box.classList.toggle("soja-labels-" + key, z >= LABEL_ZOOM[key]);
            });
        };
        map.on("zoomend", update);
        update();
    }

    function bindLabel(feature, layer, context) {
        var p = feature.properties || {};
        var h = hideoutOf(context);
        if (!p.name_ja) { return; }
        layer.bindTooltip(textElement(displayName(p, h.lang)), {
            permanent: true, direction: "center", interactive: false, opacity: 1,
            className: "soja-ref-label soja-ref-label-" + (h.key || "")
        });
        layer.on("add", function () { watchZoom(layer._map); });
    }

    // Spiderfy legs (features with only an id) drawn as thin grey lines
    function legStyle() {
        return {color: "#555555", weight: 1.5, opacity: 0.8, dashArray: "3 3"};
    }

    function placeStyle(feature, context) {
        var h = hideoutOf(context);
        var p = feature.properties || {};
        var style = (h.paths && h.paths[p.style_key]) || {color: h.neutral || "#6E6E6E", weight: 3};
        return Object.assign({}, style, {className: "soja-shape soja-cat-" + p.category});
    }

    function referenceStyle(feature, context) {
        var h = hideoutOf(context);
        return Object.assign({}, h.style || {}, {className: "soja-ref soja-ref-" + (h.key || "")});
    }

    function referencePoint(feature, latlng, context) {
        var h = hideoutOf(context);
        return L.circleMarker(latlng, Object.assign({}, h.style || {}, {className: "soja-ref soja-ref-" + (h.key || "")}));
    }

    window.sojaMap = Object.assign({}, window.sojaMap, {
        geo: {
            placeMarker: placeMarker,
            clusterMarker: clusterMarker,
            bindName: bindName,
            bindLabel: bindLabel,
            clusterMap: clusterMap,
            clusterReduce: clusterReduce,
            legStyle: legStyle,
            placeStyle: placeStyle,
            referenceStyle: referenceStyle,
            referencePoint: referencePoint
        },
        filter: {
            normaliseText: normaliseText,
            matches: matches,
            styleKey: styleKey,
            filterCollection: filterCollection
        }
    });

    // -- clientside callbacks -----------------------------------------------------------------------

    var collections = {};

    function load(src) {
        if (!collections[src]) {
            collections[src] = fetch(src, {credentials: "same-origin"}).then(function (r) {
                if (!r.ok) { throw new Error("HTTP " + r.status + " from " + src); }
                return r.json();
            });
            collections[src].catch(function () { delete collections[src]; });
        }
        return collections[src];
    }

    function noUpdate() { return window.dash_clientside.no_update; }

    // which legend sections a person opened or closed: a click on a section's summary (Enter and
    // Space on it click too) toggles it next, so it will be the opposite of what it is now
    var legendOpen = {};
    document.addEventListener("click", function (event) {
        var summary = event.target && event.target.closest && event.target.closest("summary");
        var section = summary && summary.parentElement;
        if (section && section.classList.contains("soja-legend-section") && section.id && !event.defaultPrevented) {
            legendOpen[section.id] = !section.open;
        }
    });

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        sojaMap: {
            // FILTER_STORE -> [points GeoJSON.data, shapes GeoJSON.data]
            // also hands the point layer Supercluster's map/reduce (functions cannot travel in
            // the layout's JSON), so the index it rebuilds for the new data sums pc_<project>
            filterPlaces: function (flt, src, clusterOptions) {
                if (!src) { return [noUpdate(), noUpdate(), noUpdate()]; }
                return load(src).then(function (fc) {
                    var parts = filterCollection(fc, flt);
                    window.__sojaShown = {points: parts.points.features.length, shapes: parts.shapes.features.length};
                    var options = Object.assign({}, clusterOptions || {}, {map: clusterMap, reduce: clusterReduce});
                    return [parts.points, parts.shapes, options];
                });
            },
            // asks for the position only when the button is pressed; never raises an alert. A
            // failure is a code the server puts in words (web.views.LOCATE_ERRORS): the
            // Geolocation API's 1-3, or 0 when the page is not https or has no geolocation
            locate: function (nClicks) {
                if (!nClicks) { return noUpdate(); }
                return new Promise(function (resolve) {
                    if (!window.isSecureContext || !navigator.geolocation) {
                        resolve({error: 0});
                        return;
                    }
                    navigator.geolocation.getCurrentPosition(function (pos) {
                        resolve({lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy: pos.coords.accuracy});
                    }, function (err) {
                        resolve({error: err.code || 2});
                    }, {enableHighAccuracy: false, timeout: 10000, maximumAge: 60000});
                });
            },
            // VIEW_STORE from the map's props, in the browser (a pan costs no round trip for it):
            // ``center`` is [lat, lon] at first, then {lat, lng}; nothing until both are known
            viewStore: function (zoom, center, bounds) {
                if (zoom === null || zoom === undefined || !center) { return null; }
                var lat = Array.isArray(center) ? center[0] : center.lat;
                var lon = Array.isArray(center) ? center[1] : (center.lng !== undefined ? center.lng : center.lon);
                if (lat === null || lat === undefined || lon === null || lon === undefined) { return null; }
                return {center: [Number(lat), Number(lon)], zoom: zoom, bounds: bounds || null};
            },
            // the address bar follows the state, without a history entry per pan or click
            replaceUrl: function (search) {
                if (search === null || search === undefined) { return; }
                var url = window.location.pathname + search + window.location.hash;
                if (url !== window.location.pathname + window.location.search + window.location.hash) {
                    window.history.replaceState(window.history.state, "", url);
                }
            },
            setDocumentLanguage: function (page, lang) {
                if (!lang) { return; }
                document.documentElement.lang = lang;
                var tries = 0;
                (function retitle() {  // the page's heading may not be in the DOM yet
                    var heading = document.querySelector(".soja-title");
                    if (heading && heading.closest("[lang]").lang === lang) {
                        document.title = heading.textContent;
                    } else if (tries++ < 60) {
                        window.requestAnimationFrame(retitle);
                    }
                }());
            },
            // on a phone the legend starts folded, so the map is not hidden behind it
            foldOnPhones: function () {
                return window.matchMedia("(max-width: 760px)").matches ? false : noUpdate();
            },
            // the legend is drawn again after each filter change: its sections stay as the person
            // left them (React would otherwise show each one as the server first rendered it)
            keepLegendSections: function () {
                window.requestAnimationFrame(function () {
                    Object.keys(legendOpen).forEach(function (id) {
                        var section = document.getElementById(id);
                        if (section && section.open !== legendOpen[id]) { section.open = legendOpen[id]; }
                    });
                });
            },
            // LINK_PRESSED: the name pressed in the list, search results or nearby list. Dash also
            // calls this when a list is drawn (new links, none pressed): then nothing is sent
            linkPressed: function () {
                var cc = window.dash_clientside.callback_context;
                var pressed = (cc.triggered || []).filter(function (t) { return t.value; });
                if (pressed.length !== 1) { return noUpdate(); }
                var link = JSON.parse(pressed[0].prop_id.slice(0, pressed[0].prop_id.lastIndexOf(".")));
                return {place: link.place, src: link.src, n: pressed[0].value};
            },
            // phone layout: the menu button opens the panel; choosing a place closes it
            shellClass: function (nToggle, selected, view, current) {
                var trigger = window.dash_clientside.callback_context.triggered_id;
                var open = (current || "").split(" ").indexOf("panel-open") >= 0;
                if (trigger === "panel-toggle") { open = !open; }
                if (trigger === "selected-store") { open = false; }
                return ["soja-app view-" + (view || "filter") + (open ? " panel-open" : ""), open ? "true" : "false"];
            }
        }
    });

    // Escape closes the credits, else the place's card
    document.addEventListener("keydown", function (event) {
        if (event.key !== "Escape" || event.defaultPrevented) { return; }
        var target = event.target;  // Escape in a list box or a text field belongs to it
        if (target && target.closest && target.closest("input, textarea, select, .dash-dropdown, [role=listbox], [role=dialog] [role=combobox]")) { return; }
        var credits = document.getElementById("credits");
        var details = document.getElementById("details");
        var close = credits && !credits.hidden ? "credits-close" : details && !details.hidden ? "details-close" : null;
        if (close && document.getElementById(close)) { document.getElementById(close).click(); }
    });

    // Arrow keys move between the names of the list (Tab still works; this is a shortcut)
    document.addEventListener("keydown", function (event) {
        var target = event.target;
        if (!target || !target.classList || !target.classList.contains("soja-row-button")) { return; }
        if (event.key !== "ArrowDown" && event.key !== "ArrowUp") { return; }
        var buttons = Array.prototype.slice.call(document.querySelectorAll(".soja-row-button"));
        var next = buttons[buttons.indexOf(target) + (event.key === "ArrowDown" ? 1 : -1)];
        if (next) { next.focus(); event.preventDefault(); }
    });
}());
