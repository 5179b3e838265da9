/*
 * soja-map: the page's side of the offline copy (the worker is soja_map/web/static/sw.js).
 *
 * Registers the service worker below the app's path prefix (read from Dash's config), tells it
 * which URLs this page loaded before it took control. (The "cached copy" notice is shown by the
 * stylesheet when the worker served this page from its cache.)
 */
(function () {
    "use strict";

    function prefix() {
        var config = document.getElementById("_dash-config");
        try {
            return JSON.parse(config.textContent).requests_pathname_prefix || "/";
        } catch (e) {
            return "/";
        }
    }

    function loadedUrls() {
        var urls = [window.location.href];
        var entries = window.performance && performance.getEntriesByType ?
            performance.getEntriesByType("resource") : [];
        for (var i = 0; i < entries.length; i++) { urls.push(entries[i].name); }
        return urls;
    }

    function sendUrls(worker) {
        if (worker) { worker.postMessage({type: "soja-keep", page: window.location.href, urls: loadedUrls()}); }
    }

    function register() {
        var root = prefix();
        navigator.serviceWorker.register(root + "sw.js", {scope: root}).then(function () {
            return navigator.serviceWorker.ready;
        }).then(function (registration) {
            sendUrls(registration.active);
            // the place data and lazy bundles may arrive after the first message
            window.setTimeout(function () { sendUrls(registration.active); }, 5000);
        }).catch(function () { /* no offline copy: the map works as before */ });
    }

    // after the page has loaded and gone quiet: the worker then fetches nothing the page did not
    function whenIdle() {
        if (window.requestIdleCallback) { window.requestIdleCallback(register, {timeout: 5000}); } else { window.setTimeout(register, 2000); }
    }

    // only where the server offers the web app (its page links the manifest): a page of a test
    // app or an embedding without the PWA routes would ask for a worker script that is not there
    var offered = document.querySelector('link[rel="manifest"]');
    if (offered && "serviceWorker" in navigator && window.isSecureContext) {
        if (document.readyState === "complete") { whenIdle(); } else { window.addEventListener("load", whenIdle); }
    }

})();

/*
 * dash_clientside.sojaPage.pageWanted: the first layout holds the page for the address it was
 * asked from (soja_map.web.layout.first_layout); the server renders another one only when the
 * address asks for it (back/forward, the language switch), so the first screen needs no call.
 */
(function () {
    "use strict";
    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        sojaPage: {
            pageWanted: function (search, renderedFor) {
                var wanted = (search || "").replace(/^\?/, "");
                if (renderedFor !== null && renderedFor !== undefined && wanted === renderedFor) {
                    return window.dash_clientside.no_update;
                }
                return {search: wanted, at: Date.now()};
            }
        }
    });
})();

/*
 * dash_clientside.sojaDefer (soja_map.web.deferred): content held in a store until its container
 * is opened (the credits dialog, the list and planner tabs) is moved in the first time; after that the
 * container keeps what the server's callbacks put there.
 */
(function () {
    "use strict";

    function empty(children) {
        return children === null || children === undefined || (Array.isArray(children) && !children.length);
    }

    function fill(open, content, current) {
        return (open && content && empty(current)) ? content : window.dash_clientside.no_update;
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        sojaDefer: {
            whenClicked: function (clicks, content, current) { return fill(!!clicks, content, current); },
            whenList: function (tab, content, current) { return fill(tab === "list", content, current); },
            whenPlanner: function (tab, content, current) { return fill(tab === "planner", content, current); }
        }
    });
})();
