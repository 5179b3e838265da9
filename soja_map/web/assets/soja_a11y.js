/*
 * soja-map: accessible names and focus order for Dash's own components (dcc.Checklist,
 * dcc.RadioItems, dcc.Dropdown), whose props cannot carry ARIA attributes.
 *
 * - a group of options (role=radiogroup/listbox/group) gets the name a person sees next to it:
 *   its <label for>, the legend of its fieldset, or the data-a11y-label of an ancestor (a word
 *   from the message catalogue, put there by web/layout.py);
 * - the dropdown's hidden focus target (aria-hidden) is taken out of the tab order.
 * Runs on every change of the page (the page is re-rendered from the URL's state).
 *
 * Focus, for keyboard and screen-reader users:
 * - a place opened from the list moves focus to the card's title; closing the card (× or
 *   Escape) returns it to the row the card was opened from (the list is re-rendered, so the row
 *   is found again by its id);
 * - the credits dialog takes focus when it opens, keeps Tab inside it, and gives focus back to
 *   the button that opened it when it closes.
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

    // -- focus ------------------------------------------------------------------------------------

    var rowOpener = null;       // id of the list row whose card is open
    var returnTo = null, returnUntil = 0;  // a row that gets focus back, and until when
    var dialogOpener = null;    // element that opened the credits
    var cardShown = false, creditsShown = false;

    document.addEventListener("click", function (event) {
        var t = event.target && event.target.closest ? event.target : null;
        if (!t) { return; }
        var row = t.closest(".soja-row-button");
        if (row) { rowOpener = row.id; return; }
        if (t.closest("#credits-open")) { dialogOpener = t.closest("#credits-open"); }
        if (!t.closest("#details, #credits")) { rowOpener = null; }  // a place chosen elsewhere
    }, true);

    function visible(el) { return !!el && !el.hidden && el.getClientRects().length > 0; }

    function followCard() {
        var card = document.getElementById("details");
        var shown = visible(card) && !!document.getElementById("details-title");
        if (shown && rowOpener && !card.contains(document.activeElement)) {
            var title = document.getElementById("details-title");
            if (title && title.getAttribute("data-focused-for") !== rowOpener) {
                title.setAttribute("tabindex", "-1");
                title.setAttribute("data-focused-for", rowOpener);
                title.focus();
            }
        }
        if (!shown && cardShown && rowOpener) {
            // the list is drawn again when the card closes (the row loses its highlight), and the
            // new row replaces the focused one: keep giving focus back for a moment
            returnTo = rowOpener;
            returnUntil = Date.now() + 3000;
            rowOpener = null;
        }
        if (returnTo && !shown) {
            var back = document.getElementById(returnTo);
            var lost = document.activeElement === document.body || !document.activeElement;
            if (back && (lost || document.activeElement === back)) {
                if (document.activeElement !== back) { back.focus(); }
            } else if (!lost) {
                returnTo = null;  // the person has moved on
            }
            if (Date.now() > returnUntil) { returnTo = null; }
        }
        cardShown = shown;
    }

    function followCredits() {
        var dialog = document.getElementById("credits");
        var shown = visible(dialog);
        if (shown && !creditsShown) {
            var close = document.getElementById("credits-close");
            if (close) { close.focus(); }
        }
        if (!shown && creditsShown) {
            var opener = dialogOpener && document.contains(dialogOpener) ? dialogOpener : document.getElementById("credits-open");
            if (opener) { opener.focus(); }
            dialogOpener = null;
        }
        creditsShown = shown;
    }

    // The phone header's "more" menu: the button opens and closes it; a choice or Escape closes it
    function setMore(open) {
        var button = document.getElementById("soja-more");
        var header = button && button.closest(".soja-header");
        if (!header) { return; }
        header.classList.toggle("more-open", open);
        button.setAttribute("aria-expanded", open ? "true" : "false");
    }

    document.addEventListener("click", function (event) {
        var t = event.target && event.target.closest ? event.target : null;
        if (!t) { return; }
        var button = t.closest("#soja-more");
        if (button) {
            setMore(button.getAttribute("aria-expanded") !== "true");
        } else if (t.closest("#soja-toolbar button") || !t.closest("#soja-toolbar")) {
            setMore(false);
        }
    });

    document.addEventListener("keydown", function (event) {
        var button = document.getElementById("soja-more");
        if (event.key !== "Escape" || !button || button.getAttribute("aria-expanded") !== "true") { return; }
        setMore(false);
        button.focus();
    });

    // Tab and Shift+Tab stay inside the open credits dialog
    document.addEventListener("keydown", function (event) {
        if (event.key !== "Tab") { return; }
        var dialog = document.getElementById("credits");
        if (!visible(dialog)) { return; }
        var focusable = Array.prototype.filter.call(
            dialog.querySelectorAll('a[href], button:not([disabled]), input, select, textarea, [tabindex]:not([tabindex="-1"])'),
            function (el) { return el.getClientRects().length > 0; }
        );
        if (!focusable.length) { return; }
        var first = focusable[0], last = focusable[focusable.length - 1];
        var inside = dialog.contains(document.activeElement);
        if (event.shiftKey && (document.activeElement === first || !inside)) {
            last.focus(); event.preventDefault();
        } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
            first.focus(); event.preventDefault();
        }
    });

    var scheduled = false;
    function schedule() {
        if (scheduled) { return; }
        scheduled = true;
        window.requestAnimationFrame(function () {
            scheduled = false;
            mend(document);
            followCard();
            followCredits();
        });
    }

    function start() {
        mend(document);
        new MutationObserver(schedule).observe(document.body, {
            childList: true, subtree: true, attributes: true, attributeFilter: ["hidden"]
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
