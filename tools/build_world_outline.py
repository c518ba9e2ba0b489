"""Build src/detente/data/geo/world_110m.json from Natural Earth 1:110m countries.

Source: the naturalearth_lowres shapefile shipped inside the geopandas 0.14.4 wheel on PyPI
(Natural Earth, public domain). Reads the .shp/.dbf with struct (no GIS dependency),
rounds coordinates to 0.1 degree and drops repeated points, so the outline is small
enough to embed in every report.
"""
from __future__ import annotations

import json
import struct
import sys
from pathlib import Path


def read_dbf(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    n_records, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos:pos + 11].split(b"\0")[0].decode()
        length = data[pos + 16]
        fields.append((name, length))
        pos += 32
    rows = []
    for i in range(n_records):
        rec = data[header_len + i * record_len: header_len + (i + 1) * record_len]
        off = 1
        row = {}
        for name, length in fields:
            row[name] = rec[off:off + length].decode("utf-8", "replace").strip()
            off += length
        rows.append(row)
    return rows


def read_shp(path: Path) -> list[list[list[tuple[float, float]]]]:
    data = path.read_bytes()
    pos = 100
    shapes = []
    while pos < len(data):
        _num, length = struct.unpack(">II", data[pos:pos + 8])
        body = data[pos + 8: pos + 8 + length * 2]
        pos += 8 + length * 2
        shape_type = struct.unpack("<i", body[:4])[0]
        if shape_type != 5:
            shapes.append([])
            continue
        n_parts, n_points = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", body[44:44 + 4 * n_parts]))
        pts_off = 44 + 4 * n_parts
        pts = [struct.unpack("<dd", body[pts_off + 16 * k: pts_off + 16 * (k + 1)]) for k in range(n_points)]
        rings = []
        for j, start in enumerate(parts):
            end = parts[j + 1] if j + 1 < n_parts else n_points
            rings.append(pts[start:end])
        shapes.append(rings)
    return shapes


def simplify(ring: list[tuple[float, float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for lon, lat in ring:
        p = [round(lon, 1), round(lat, 1)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def main(src_dir: str, dest: str) -> None:
    base = Path(src_dir) / "naturalearth_lowres"
    rows = read_dbf(base.with_suffix(".dbf"))
    shapes = read_shp(base.with_suffix(".shp"))
    countries = []
    for row, rings in zip(rows, shapes):
        kept = [r for r in (simplify(r) for r in rings) if len(r) >= 4]
        if kept:
            countries.append({"iso3": row["iso_a3"], "name": row["name"], "rings": kept})
    doc = {
        "source": "Natural Earth 1:110m Admin 0 countries (naturalearth_lowres, as shipped in geopandas 0.14.4)",
        "licence": "public domain (Natural Earth terms of use)",
        "precision_degrees": 0.1,
        "countries": countries,
    }
    Path(dest).write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    print(len(countries), "countries,", Path(dest).stat().st_size, "bytes")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
