"""The steps of scripts/build_geodata.py, one module per kind of layer."""
