/*
 * soja-map: accessible names and focus order for Dash's own components (dcc.Checklist,
 * dcc.RadioItems, dcc.Dropdown), whose props cannot carry ARIA attributes.
 *
 * - a group of options (role=radiogroup/listbox/group) gets the name a person sees next to it:
 *   its <label for>, the legend of its fieldset, or the data-a11y-label of an ancestor (a word
 *   from the message catalogue, put there by web/layout.py);
 * - the dropdown's hidden focus target (aria-hidden) is taken out of the tab order.
 * Runs on every change of the page (the page is re-rendered from the URL's state).
 */
(function () {
    "use strict";

    function nameOf(el) {
        if (el.id) {
            var label = document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
            if (label && label.textContent.trim()) { return label.textContent.trim(); }
        }
        var fieldset = el.closest("fieldset");
        var legend = fieldset && fieldset.querySelector("legend");
        if (legend && legend.textContent.trim()) { return legend.textContent.trim(); }
        var holder = el.closest("[data-a11y-label]");
        return holder ? holder.getAttribute("data-a11y-label") : "";
    }

    function mend(root) {
        var groups = root.querySelectorAll('[role="radiogroup"], [role="listbox"], [role="group"]');
        for (var i = 0; i < groups.length; i++) {
            var g = groups[i];
            if (g.hasAttribute("aria-label") || g.hasAttribute("aria-labelledby")) { continue; }
            var name = nameOf(g);
            if (name) { g.setAttribute("aria-label", name); }
        }
        var hidden = root.querySelectorAll('[aria-hidden="true"].dash-dropdown-focus-target:not([tabindex="-1"])');
        for (var j = 0; j < hidden.length; j++) { hidden[j].setAttribute("tabindex", "-1"); }
    }

    var scheduled = false;
    function schedule() {
        if (scheduled) { return; }
        scheduled = true;
        window.requestAnimationFrame(function () { scheduled = false; mend(document); });
    }

    function start() {
        mend(document);
        new MutationObserver(schedule).observe(document.body, {childList: true, subtree: true});
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
