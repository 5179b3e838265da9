"""The page's first paint: the app's header and a loading line as plain HTML in the page itself.

On a phone the scripts take seconds to arrive and run; until React draws the app, Dash shows
"Loading...". Instead the page carries the same header the app draws (title, menu and language
buttons, in the link's language) and says the map is loading, so the resident sees where they are
at once and the screen does not jump when the app takes over (React replaces the entry point's
content when it first renders). The header is the app's own (``layout.header``) written out by
``web.static_html``; it is ``inert`` until the app replaces it.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from soja_map.i18n import translator
from soja_map.web.context import AppContext
from soja_map.web.layout import header, state_of
from soja_map.web.perf import Entry
from soja_map.web.static_html import static_html


def entry(ctx: AppContext, search: str | None) -> Entry:
    """The page's language, title and entry point for the link's query ``search``."""
    state = state_of(ctx, search)
    tr = translator(state.lang)
    loading = Markup(
        '<div class="soja-body"><main class="soja-main soja-first-main">'
        '<p class="soja-loading" role="status">{}</p></main></div>'
    ).format(tr("first_paint_loading"))
    shell = Markup(
        '<div id="react-entry-point"><div class="soja-page">'
        '<div class="soja-app soja-first-paint" inert aria-busy="true">{}{}</div>'
        '<noscript><p class="soja-noscript">{}</p></noscript></div></div>'
    ).format(static_html(header(ctx, state, tr)), loading, tr("first_paint_noscript"))
    return Entry(lang=state.lang, title=tr("app_title"), html=str(shell))


def entry_for(ctx: AppContext, search: Callable[[], str | None]) -> Callable[[], Entry]:
    """``entry`` for the page being served (``search``: its query string)."""
    return lambda: entry(ctx, search())
