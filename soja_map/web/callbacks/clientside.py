"""Registering the clientside callbacks of assets/soja_map.js (``dash_clientside.sojaMap``)."""

from __future__ import annotations

from typing import Any

from dash import ClientsideFunction, Dash


def clientside(
    app: Dash, function_name: str, *dependencies: Any, namespace: str = "sojaMap", **options: Any
) -> None:
    """``app.clientside_callback`` of ``dash_clientside.<namespace>.<function_name>``."""
    function = ClientsideFunction(namespace=namespace, function_name=function_name)
    app.clientside_callback(function, *dependencies, **options)  # type: ignore[no-untyped-call]
