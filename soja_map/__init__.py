"""soja-map: links Soja City's priority projects to the places where they happen."""

__version__ = "0.1.0"
