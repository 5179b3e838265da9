"""Allow ``python -m soja_map``."""

from soja_map.cli import main

if __name__ == "__main__":
    main()
