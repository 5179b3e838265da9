"""Network distance on small road networks built here: known path lengths, snapping, owners, files."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from soja_map.analysis.coverage import build_context, coverage
from soja_map.analysis.network import network_from_lines, read_network
from soja_map.errors import CRSError, ValidationError
from tests import coverage_layouts as lay


def roads(*lines, crs=lay.CRS, **columns):
    return gpd.GeoDataFrame(
        columns,
        geometry=[shapely.LineString([lay.at(*p) for p in line]) for line in lines],
        crs=crs,
    )


# An L: west edge (0,0)-(0,1000) and south edge (0,0)-(1000,0).
L_ROADS = (((0, 1000), (0, 0)), ((0, 0), (1000, 0)))


def xy(*points):
    return np.array([lay.at(*p) for p in points])


def test_distances_follow_the_roads():
    net = network_from_lines(roads(*L_ROADS), max_segment_m=None)
    assert net.n_nodes == 3
    assert net.n_edges == 2
    assert net.length_m == 2000
    dist, owner = net.distances(xy((0, 1000)), np.array([0]), xy((1000, 0), (0, 0), (0, 1000)))
    assert dist.tolist() == [2000.0, 1000.0, 0.0]
    assert owner.tolist() == [0, 0, 0]


def test_snap_distances_are_added_at_both_ends():
    net = network_from_lines(roads(*L_ROADS), max_segment_m=100)
    # facility 30 m south of the corner, target 40 m north of the south road at x = 700
    dist, _ = net.distances(xy((0, -30)), np.array([0]), xy((700, 40)))
    assert dist[0] == pytest.approx(30 + 700 + 40)


def test_segments_are_split_so_snapping_is_short():
    coarse = network_from_lines(roads(*L_ROADS), max_segment_m=None)
    fine = network_from_lines(roads(*L_ROADS), max_segment_m=100)
    assert fine.n_nodes == 21
    assert fine.length_m == pytest.approx(2000)
    target = xy((1000, 400))  # off the roads: 400 m north of the south road's east end
    assert coarse.distances(xy((0, 0)), np.array([0]), target)[0][0] == pytest.approx(1400)
    assert fine.distances(xy((0, 0)), np.array([0]), xy((600, 30)))[0][0] == pytest.approx(630)


def test_the_nearest_facility_owns_each_node():
    net = network_from_lines(roads(((0, 0), (1000, 0))), max_segment_m=100)
    dist, owner = net.distances(
        xy((0, 0), (1000, 0)), np.array([7, 9]), xy((100, 0), (800, 0), (500, 0))
    )
    assert dist.tolist() == pytest.approx([100, 200, 500])
    assert owner[:2].tolist() == [7, 9]


def test_unreachable_targets_are_infinitely_far():
    net = network_from_lines(roads(((0, 0), (100, 0)), ((5000, 0), (5100, 0))), max_segment_m=None)
    dist, owner = net.distances(xy((0, 0)), np.array([0]), xy((5100, 0), (100, 0)))
    assert np.isinf(dist[0])
    assert owner.tolist() == [-1, 0]
    assert dist[1] == 100


def test_vertices_closer_than_a_centimetre_are_one_node():
    lines = roads(((0, 0), (500, 0)), ((500.004, 0), (1000, 0)))
    net = network_from_lines(lines, max_segment_m=None)
    assert net.n_nodes == 3
    dist, _ = net.distances(xy((0, 0)), np.array([0]), xy((1000, 0)))
    assert dist[0] == pytest.approx(1000, abs=0.01)


def test_parallel_edges_keep_the_shortest():
    lines = roads(((0, 0), (0, 500), (1000, 500), (1000, 0)), ((0, 0), (1000, 0)))
    net = network_from_lines(lines, max_segment_m=None)
    dist, _ = net.distances(xy((0, 0)), np.array([0]), xy((1000, 0)))
    assert dist[0] == 1000


def test_motorways_are_not_walkable():
    lines = roads(((0, 0), (1000, 0)), ((0, 0), (0, 1000)), highway=["motorway", "residential"])
    net = network_from_lines(lines, max_segment_m=None)
    assert net.length_m == 1000


def test_multilinestrings_are_split_into_their_parts():
    multi = gpd.GeoDataFrame(
        geometry=[
            shapely.MultiLineString(
                [[lay.at(0, 0), lay.at(100, 0)], [lay.at(500, 0), lay.at(600, 0)]]
            )
        ],
        crs=lay.CRS,
    )
    net = network_from_lines(multi, max_segment_m=None)
    assert net.n_edges == 2  # no edge jumps the gap between the parts
    assert net.length_m == 200


def test_network_without_crs_raises_crs_error():
    with pytest.raises(CRSError):
        network_from_lines(roads(*L_ROADS, crs=None))


def test_no_lines_is_a_validation_error():
    points = gpd.GeoDataFrame(geometry=[shapely.Point(*lay.at(0, 0))], crs=lay.CRS)
    with pytest.raises(ValidationError, match="problem"):
        network_from_lines(points)


def test_coverage_with_a_network_differs_from_straight_lines():
    # roads only along the west and south edges; facility at the corner; cell centres snap to the
    # nearest node 250 m away: SW 250 + 250 = 500, SE 750 + 250, NW 750 + 250, NE 750 + 750
    net = network_from_lines(roads(*L_ROADS), max_segment_m=50)
    straight = lay.context()
    walked = build_context(straight.geography, straight.grid, net)
    corner = lay.facilities(c=(0.0, 0.0))
    assert coverage(straight, corner, 800).covered_population == 60
    by_network = coverage(walked, corner, 800)
    assert by_network.covered_population == 10
    assert sorted(by_network.distance_m.tolist()) == pytest.approx([500, 1000, 1000, 1500])
    assert by_network.table("town")["nearest_m"].to_dict() == pytest.approx(
        {"SW": 500, "SE": 1000, "NW": 1000, "NE": 1500}
    )
    assert by_network.provenance.distance_method == "network"
    assert by_network.method.network_source == by_network.provenance.distance.network_source
    assert coverage(straight, corner, 800).provenance.distance_method == "straight_line"
    assert coverage(walked, corner, 1000).covered_population == 60


def test_read_network_from_a_geojson_of_road_lines(tmp_path):
    path = tmp_path / "roads.geojson"
    roads(*L_ROADS).to_crs("EPSG:4326").to_file(path, driver="GeoJSON")
    net = read_network(path, max_segment_m=None)
    assert net.source == "roads.geojson"
    dist, _ = net.distances(xy((0, 1000)), np.array([0]), xy((1000, 0)))
    assert dist[0] == pytest.approx(2000, abs=0.01)


def test_read_network_refuses_a_file_without_crs(tmp_path):
    path = tmp_path / "roads.shp"
    with pytest.warns(UserWarning, match="crs"):
        roads(*L_ROADS, crs=None).to_file(path)
    with pytest.raises(CRSError, match="no coordinate reference system"):
        read_network(path)


def test_matches_networkx_on_a_street_grid():
    nx = pytest.importorskip("networkx")
    rng = np.random.default_rng(4)
    # a 6 x 6 street grid with 100 m blocks, some streets missing
    segments = []
    for i in range(6):
        for j in range(5):
            if rng.random() > 0.2:
                segments.append(((i * 100, j * 100), (i * 100, (j + 1) * 100)))
            if rng.random() > 0.2:
                segments.append(((j * 100, i * 100), ((j + 1) * 100, i * 100)))
    net = network_from_lines(roads(*segments), max_segment_m=None)
    graph = nx.Graph()
    for a, b in segments:
        graph.add_edge(a, b, weight=float(np.hypot(b[0] - a[0], b[1] - a[1])))
    sources = [(0, 0), (500, 500)]
    expected = nx.multi_source_dijkstra_path_length(graph, [s for s in sources if s in graph])
    nodes = list(expected)
    dist, _ = net.distances(xy(*sources), np.array([0, 1]), xy(*nodes))
    assert dist.tolist() == pytest.approx([expected[n] for n in nodes])
