"""Component ids shared between the app's modules (one place, so panels can find each other)."""

# Stores other panels read
FILTER_STORE = "filter-store"  # soja_map.filters.Filter.to_dict() of the current filter
VIEW_STORE = "view-store"  # {"center": [lat, lon], "zoom": int, "bounds": [[s, w], [n, e]]}
LANG_STORE = "lang-store"  # "ja" | "en"

# The map and the overlay groups panels draw into
MAP = "map"
COVERAGE_LAYER = (
    "coverage-layer"  # dl.LayerGroup the coverage panel fills (choropleth, catchments, gaps)
)

# Mount points
COVERAGE_PANEL = "coverage-panel"  # container of soja_map.web.coverage_panel.layout(...)
EXPORT_SLOT = "export-slot"  # container of soja_map.web.export_button.layout(...)
