"""The Dash app: create_app(settings, dataset). Nothing here imports folium."""
