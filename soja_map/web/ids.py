"""Component ids shared between the app's modules (one place, so panels can find each other)."""

# Stores other panels read
FILTER_STORE = "filter-store"  # soja_map.query.filters.Filter.to_dict() of the current filter
VIEW_STORE = "view-store"  # {"center": [lat, lon], "zoom": int, "bounds": [[s, w], [n, e]]}
LANG_STORE = "lang-store"  # "ja" | "en"

# The map and the overlay groups panels draw into
MAP = "map"
COVERAGE_LAYER = (
    "coverage-layer"  # dl.LayerGroup the coverage panel fills (choropleth, catchments, gaps)
)

# Mount points
COVERAGE_PANEL = "coverage-panel"  # container of soja_map.web.planner.panel.layout(...)
EXPORT_SLOT = "export-slot"  # container of soja_map.web.export_button.layout(...)

# --- the resident map (issue 3) ------------------------------------------------------------------

URL = "url"  # dcc.Location (refresh=False): its search is the shareable state (see web/state.py)
PAGE = "page"  # container the page is rendered into from the URL's state
PAGE_FOR = "page-for"  # dcc.Store: the query string the page in PAGE was rendered for
PAGE_REQUEST = "page-request"  # dcc.Store: {search, at} when the URL asks for another page
URL_TARGET = "url-target"  # the query string the current state should have (replaceState)
PLACES_SRC = "places-src"  # URL of the places GeoJSON the clientside filter fetches
SELECTED_STORE = "selected-store"  # id of the selected place; "" or None: none
NEAR_STORE = "near-store"  # {"lat", "lon", "label"} of the nearby search ({"error"}; {}/None: none)
GEO_STORE = "geo-store"  # result of the browser's geolocation: {lat, lon, accuracy} | {error}
LIST_PAGE = "list-page"  # page number of the accessible list

# the map's layers
POINTS_LAYER = "places-points"  # dl.GeoJSON of point places (clustered)
SHAPES_LAYER = "places-shapes"  # dl.GeoJSON of line and area places
REFERENCE_GROUP = "reference-layers"  # dl.LayerGroup of the checked reference overlays
SELECTION_LAYER = "selection-layer"  # ring around the selected place
NEARBY_LAYER = "nearby-layer"  # origin + lines to the nearest places
BASE_LAYERS = "base-layers"  # dl.LayersControl of background maps

# controls
SHELL = "shell"  # the app's outer div (className carries the open panel / view)
PANEL_TOGGLE = "panel-toggle"  # phone: opens and closes the control panel
VIEW_TABS = "view-tabs"  # dcc.RadioItems: filter | list | nearby | planner
LANG_TOGGLE = "lang-toggle"
PROJECTS = "projects"  # dcc.Checklist of the four priority projects
POLICIES = "policies"
MEASURES = "measures"
CATEGORIES = "categories"
REFERENCES = "references"  # dcc.Checklist of reference overlays
RESET = "reset-filter"
SUMMARY = "summary"  # "n places shown" line
CITY_WIDE = "city-wide"  # city-wide measures and items in the current filter
MEASURE_NOTE = "measure-note"  # what the chosen measures cover
LEGEND = "legend"  # the legend's entries
LEGEND_BOX = "legend-box"  # the <details> around the legend (folded on phones)
SEARCH = "search"  # dcc.Input
SEARCH_HITS = "search-hits"
JUMP = "jump"  # dcc.Dropdown of towns and stations
DETAILS = "details"  # the selected place's card (hidden when none)
DETAILS_BODY = "details-body"
DETAILS_CLOSE = "details-close"
PLACE_LIST = "place-list"
LIST_PREV = "list-prev"
LIST_NEXT = "list-next"
NEAR_TOWN = "near-town"
NEAR_LOCATE = "near-locate"
NEAR_CLEAR = "near-clear"
NEAR_RESULTS = "near-results"
CREDITS_OPEN = "credits-open"
CREDITS_CLOSE = "credits-close"
CREDITS = "credits"
CREDITS_BODY = "credits-body"  # filled when the dialog first opens (web/deferred.py)
CACHED_NOTICE = "cached-notice"  # shown when the page is the service worker's kept copy

# pattern-matching id types
PLACE_LINK = "place-link"  # {"type": PLACE_LINK, "place": id, "src": "list" | "search" | "near"}
LINK_PRESSED = "link-pressed"  # dcc.Store: the PLACE_LINK last pressed, {"place", "src", "n"}
MEASURE_LINK = "measure-link"  # {"type": MEASURE_LINK, "measure": id}

# --- shelters and hazard overlays (issue 9) -------------------------------------------------------
SHELTER_SHOW = "shelter-show"  # dcc.Checklist: ["on"] shows the shelter layer
SHELTER_CHOICE = "shelter-choice"  # dcc.Dropdown: query.shelters.CHOICES (all, shelter, a hazard)
SHELTER_LAYER = "shelter-layer"  # dl.LayerGroup of the chosen sites
SHELTER_COUNT = "shelter-count"  # "n sites shown"
HAZARD_OVERLAYS = "hazard-overlays"  # dcc.Checklist of query.hazards layer ids
HAZARD_GROUP = "hazard-group"  # dl.LayerGroup of the hazard tile layers
HAZARD_NOTICE = "hazard-notice"  # the short notice when the overlays cannot be shown
SHELTER_MARK = "shelter-mark"  # {"type": SHELTER_MARK, "place": id}: a site on the shelter layer
