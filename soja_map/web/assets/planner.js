/* The planner's choropleth (soja_map/web/planner/views.py): ONE GeoJSON layer whose geometry is sent
   once per zone kind; the share class of every zone, the colours and the outline live in its
   hideout, so a what-if sends only the hideout (the dash-leaflet hideout model, STYLE.md). */
(function () {
    "use strict";

    function zoneStyle(feature, context) {
        var h = (context && context.hideout) || {};
        var classes = h.classes || {};
        var cls = classes[feature.properties.name];
        if (cls === undefined || cls === null) {
            return {stroke: false, fill: false};
        }
        var colours = h.colours || [];
        return {
            color: h.outline || "#555555",
            weight: 0.8,
            fillColor: cls < 0 ? h.noPeople : colours[cls],
            fillOpacity: 0.55,
            dashArray: feature.properties.estimate ? "4 3" : null,
            className: feature.properties.className
        };
    }

    window.sojaPlanner = Object.assign({}, window.sojaPlanner, {geo: {zoneStyle: zoneStyle}});

    /* The chart beside the map (soja_map/web/planner/chart.py). dcc.Graph loads plotly.js lazily,
       and Dash's lazy loader needs the Babel runtime that the page leaves out (web/perf.py): it is
       loaded once, from this server, before the first Graph is drawn. */
    var runtime = null;

    function needRuntime(url) {
        if (window.regeneratorRuntime || !url) {
            return Promise.resolve();
        }
        if (!runtime) {
            runtime = new Promise(function (resolve, reject) {
                var script = document.createElement("script");
                script.src = url;
                script.onload = resolve;
                script.onerror = reject;
                document.head.appendChild(script);
            });
        }
        return runtime;
    }

    /* Resolves once the element is displayed: a chart computed while the planner's pane is hidden
       (e.g. a link opened on another view) is drawn, and plotly.js loaded, when the pane shows. */
    function whenShown(id) {
        return new Promise(function (resolve) {
            var element = document.getElementById(id);
            if (!element || element.getClientRects().length || !window.ResizeObserver) {
                resolve();
                return;
            }
            var watch = new ResizeObserver(function () {
                if (element.getClientRects().length) {
                    watch.disconnect();
                    resolve();
                }
            });
            watch.observe(element);
        });
    }

    function chart(data) {
        if (!data || !data.figure) {
            return null;
        }
        return whenShown(data.container).then(function () {
            return needRuntime(data.runtime);
        }).then(function () {
            return {
                namespace: "dash_core_components",
                type: "Graph",
                props: {id: data.id, figure: data.figure, config: data.config, className: data.className}
            };
        });
    }

    var clientside = window.dash_clientside || {};
    window.dash_clientside = Object.assign({}, clientside, {
        sojaPlanner: Object.assign({}, clientside.sojaPlanner, {
            chart: chart,
            // the app's filter or map click, copied into the panel (planner/ids.py FILTER)
            mirror: function (value) { return value; }
        })
    });
})();
