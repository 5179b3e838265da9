"""Static maps for reports: one offline HTML file (Folium), and PNG/PDF through headless Chromium.

The web app and the CLI come in through ``api`` only. Inside, by job:

- ``options``: what to export and how (filter from names, view, drawing options, the job);
  no folium
- ``build``: ``build_map``, the folium map of a filter
- ``layers``: the places' and reference layers' data (GeoJSON, icons, popups)
- ``panels``: popup (the place card), legend, 市全域 box, info line, title, north arrow as HTML
- ``elements``: the folium elements; their scripts call ``static/export.js``
- ``templating``: the Jinja2 environment (autoescape) over ``templates/``, and ``static/``
- ``offline``: the one-file page (vendored Leaflet inlined; no external reference)
- ``files``: writing HTML, one map per project; ``job``: the whole export job
- ``render``: PNG/PDF with headless Chromium (selenium, imported only when a browser starts)
- ``report``: the report PDF (map page, list pages, a coverage result's table and map);
  ``coverage_page`` reads the coverage file, ``coverage_map`` draws its map, ``fonts`` makes the
  TrueType cut of Noto Sans CJK the pages carry (no Type 3 fonts in the PDF)
"""
