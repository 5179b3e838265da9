/*
 * soja-map: dash-leaflet 1.1.3 (the newest release) leaves four debug lines in its viewport
 * effect ("ISSUE CENTER/ZOOM CHANGE", "ISSUE BOUNDS UPDATE", "BREAK ..."), printed on every move
 * the app asks for. Exactly those four messages are dropped; everything else reaches the console.
 */
(function () {
    "use strict";
    var NOISE = {
        "ISSUE CENTER/ZOOM CHANGE": true,
        "ISSUE BOUNDS UPDATE": true,
        "BREAK CENTER/ZOOM CHANGE": true,
        "BREAK BOUNDS CHANGE": true
    };
    var log = console.log;
    console.log = function () {
        if (arguments.length === 1 && NOISE[arguments[0]] === true) { return; }
        return log.apply(console, arguments);
    };
}());
