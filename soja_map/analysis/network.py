"""Walking distance along a road network: a graph from road lines and multi-source Dijkstra from facilities.

Lines become a weighted undirected graph (nodes = line vertices merged within ``precision_m``, edges =
segments weighted by their length in EPSG:6673). Facilities and targets (grid-cell centres, town points)
are snapped to their nearest node and the straight snap distance is added at both ends, so a point far
from any road pays for the walk to it. Dijkstra runs once from all facilities together
(``scipy.sparse.csgraph.dijkstra`` with ``min_only``), each facility entering through its own virtual
node, which also tells which facility is nearest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import shapely
from scipy import sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from soja_map.analysis.zones import to_metric_frame
from soja_map.errors import Problem, ValidationError

DEFAULT_SEGMENT_M: Final = 50.0  # long edges are split so that snapping to a node is never far off
PRECISION_M: Final = 0.01  # vertices closer than this are the same node
# OSM ways a pedestrian may not use; everything else tagged highway=* is kept
NOT_WALKABLE: Final = frozenset(
    {"motorway", "motorway_link", "construction", "proposed", "raceway"}
)
_TINY: Final = (
    1e-9  # an explicit 0 edge may be dropped from a sparse matrix: enter at 1 nm, subtract it after
)


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """An undirected road graph in EPSG:6673 (``graph`` is a symmetric CSR matrix of metres)."""

    node_xy: np.ndarray
    graph: sparse.csr_matrix
    source: str
    tree: cKDTree = field(init=False, repr=False)
    _coo: tuple[np.ndarray, np.ndarray, np.ndarray] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tree", cKDTree(self.node_xy))
        coo = self.graph.tocoo()
        object.__setattr__(self, "_coo", (coo.row, coo.col, coo.data))

    @property
    def n_nodes(self) -> int:
        return len(self.node_xy)

    @property
    def n_edges(self) -> int:
        return int(self.graph.nnz // 2)

    @property
    def length_m(self) -> float:
        return float(self.graph.data.sum() / 2)

    def snap(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest node of each point and the straight distance to it (metres)."""
        dist, node = self.tree.query(np.asarray(xy, dtype=float).reshape(-1, 2))
        return node.astype(np.int64), dist

    def node_distances(
        self, source_xy: np.ndarray, source_owner: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Distance from every node to the nearest source, and that source's owner (-1 if unreachable).

        Each source enters the graph at its nearest node after walking the snap distance.
        """
        n = self.n_nodes
        k = len(source_xy)
        if k == 0:
            return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
        snap_node, snap_dist = self.snap(source_xy)
        entry = np.maximum(snap_dist, _TINY)
        rows, cols, data = self._coo
        virtual = n + np.arange(k)
        full = sparse.csr_matrix(
            (np.r_[data, entry], (np.r_[rows, virtual], np.r_[cols, snap_node])),
            shape=(n + k, n + k),
        )
        dist, _, sources = dijkstra(
            full, directed=True, indices=virtual, min_only=True, return_predecessors=True
        )
        node_dist = np.asarray(dist[:n], dtype=float)
        src = np.asarray(sources[:n])
        reached = src >= n
        owner = np.full(n, -1, dtype=np.int64)
        owner[reached] = np.asarray(source_owner, dtype=np.int64)[src[reached] - n]
        # take back the 1 nm a source sitting exactly on a node paid to enter the graph
        node_dist[reached] -= (entry - snap_dist)[src[reached] - n]
        return node_dist, owner

    def distances(
        self, source_xy: np.ndarray, source_owner: np.ndarray, target_xy: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Network distance from each target to its nearest source (inf if unreachable), and the owner."""
        node_dist, node_owner = self.node_distances(source_xy, source_owner)
        node, snap = self.snap(target_xy)
        return node_dist[node] + snap, node_owner[node]


def network_from_lines(
    lines: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    source: str = "road lines",
    max_segment_m: float | None = DEFAULT_SEGMENT_M,
    precision_m: float = PRECISION_M,
) -> RoadNetwork:
    """A RoadNetwork from (Multi)LineStrings in any CRS (CRSError if there is none).

    ``max_segment_m`` splits longer segments so that nodes are at most that far apart along a road
    (None keeps the vertices as they are). Rows whose ``highway`` tag is not walkable are dropped.
    """
    frame = to_metric_frame(lines, name=source)
    if "highway" in frame.columns:
        frame = frame[~frame["highway"].isin(NOT_WALKABLE)]
    geoms = frame.geometry.values
    geoms = geoms[~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)]
    parts = shapely.get_parts(geoms)
    parts = parts[shapely.get_type_id(parts) == shapely.GeometryType.LINESTRING]
    if len(parts) == 0:
        raise ValidationError(
            [
                Problem(
                    source,
                    "no-lines",
                    "the road network has no line features",
                    expected="LineString or MultiLineString roads (an OSM extract or a GeoJSON of road lines)",
                )
            ]
        )
    if max_segment_m:
        parts = shapely.segmentize(parts, max_segment_m)
    coords, which = shapely.get_coordinates(parts, return_index=True)
    keys = np.round(coords / precision_m).astype(np.int64)
    unique_keys, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    node_xy = coords[first]
    same_line = which[1:] == which[:-1]
    u = inverse[:-1][same_line]
    v = inverse[1:][same_line]
    w = np.hypot(*(coords[1:][same_line] - coords[:-1][same_line]).T)
    keep = u != v
    u, v, w = u[keep], v[keep], w[keep]
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    # parallel segments between the same two nodes: keep the shortest
    order = np.lexsort((w, hi, lo))
    lo, hi, w = lo[order], hi[order], w[order]
    first_edge = np.r_[True, (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])]
    lo, hi, w = lo[first_edge], hi[first_edge], w[first_edge]
    n = len(unique_keys)
    graph = sparse.csr_matrix((np.r_[w, w], (np.r_[lo, hi], np.r_[hi, lo])), shape=(n, n))
    return RoadNetwork(node_xy=node_xy, graph=graph, source=source)


def read_network(
    path: Path, *, layer: str | None = None, max_segment_m: float | None = DEFAULT_SEGMENT_M
) -> RoadNetwork:
    """A RoadNetwork from a file: an OSM extract (.osm, .pbf: its ``lines`` layer, highway=* ways)
    or any vector file of road lines (GeoJSON, GeoPackage, ...). The file's CRS is checked on reading."""
    from soja_map.data.io import read_vector  # noqa: PLC0415 - pyogrio only when a file is read

    path = Path(path)
    is_osm = path.suffix.lower() in {".osm", ".pbf"}
    frame = read_vector(path, layer=layer or ("lines" if is_osm else None))
    if is_osm:
        if "highway" not in frame.columns:
            raise ValidationError(
                [Problem(str(path), "no-roads", "the OSM extract has no highway=* ways")]
            )
        frame = frame[frame["highway"].notna()]
    return network_from_lines(frame, source=path.name, max_segment_m=max_segment_m)
