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
})();
