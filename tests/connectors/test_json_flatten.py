"""JSON columns flattened into sub-columns named by path (connectors.json_flatten): a pure Arrow transform.

What the scan relies on: every value of a JSON column ends up in exactly one sub-column (or, when it
cannot be flattened, in the column itself), row-aligned sub-columns stay aligned with the table's rows,
the values of a list stay aligned with each other per element, names never carry data, caps hold, and
a column that is not JSON is not touched.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from connectors import json_flatten
from connectors.json_flatten import MAX_DEPTH, flatten_table, json_values

PAYLOAD = {
    "device": {"imei": "861234567890123", "mac": "AA:BB:CC:DD:EE:FF"},
    "geo": {"lat": 31.234567, "lng": 121.456789},
}


def as_text(values: list[object]) -> pa.Array:
    return pa.array(
        [v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in values]
    )


def test_the_issue_payload_becomes_four_row_aligned_sub_columns_after_its_column() -> None:
    other = {"device": {"imei": "869876543210987"}, "geo": {"lng": 120.1, "lat": 30.2}}
    t = pa.table({"id": [1, 2, 3], "payload": as_text([PAYLOAD, None, other]), "memo": ["a", "b", "c"]})
    flat = flatten_table(t, {"payload": "jsonb"})
    assert flat.table.column_names == [
        "id",
        "payload.device.imei",
        "payload.device.mac",
        "payload.geo.lat",
        "payload.geo.lng",
        "memo",
    ]
    assert flat.table.column("payload.device.imei").to_pylist() == [
        "861234567890123",
        None,
        "869876543210987",
    ]
    assert flat.table.column("payload.device.mac").to_pylist() == ["AA:BB:CC:DD:EE:FF", None, None]
    assert flat.table.column("payload.geo.lat").to_pylist() == [31.234567, None, 30.2]
    assert flat.table.column("payload.geo.lat").type == pa.float64()
    assert flat.table.column("id").to_pylist() == [1, 2, 3]  # the other columns as they were
    assert set(flat.parents.values()) == {"payload"} and len(flat.parents) == 4
    assert flat.elements == ()


def test_a_text_column_of_json_objects_is_found_without_a_declared_type() -> None:
    flat = flatten_table(pa.table({"extra": as_text([PAYLOAD, PAYLOAD])}))
    assert "extra.geo.lng" in flat.table.column_names


def test_lists_of_objects_are_element_frames_aligned_per_element_and_mapped_to_their_rows() -> None:
    rows = [
        {"vin": "LSVAU2180N2183294", "track": [{"lat": 31.1, "lng": 121.1}, {"lng": 121.2, "lat": 31.2}]},
        {"vin": "LFV2A21K6A3023451", "track": []},
        {"vin": "LGBH52E05AY123456", "track": [{"lat": 31.3}], "tags": ["vip", None, "new"]},
    ]
    flat = flatten_table(pa.table({"p": as_text(rows)}))
    assert flat.table.column_names == ["p.vin"]  # one value per row
    track = next(f for f in flat.elements if f.path == "p.track[]")
    assert track.rows.to_pylist() == [0, 0, 2]  # the table row of each point
    assert track.table.column("p.track[].lat").to_pylist() == [31.1, 31.2, 31.3]
    assert track.table.column("p.track[].lng").to_pylist() == [121.1, 121.2, None]  # same point, same row
    tags = next(f for f in flat.elements if f.path == "p.tags[]")
    assert tags.table.column("p.tags[]").to_pylist() == ["vip", None, "new"]
    assert tags.rows.to_pylist() == [2, 2, 2]
    assert flat.frame_of("p.track[].lng") == "p.track[]" and flat.frame_of("p.vin") == ""
    assert flat.column("p.tags[]").to_pylist() == ["vip", None, "new"]


def test_lists_inside_lists_map_their_elements_to_the_table_row() -> None:
    rows = [
        {"orders": [{"items": [{"sku": "A"}, {"sku": "B"}]}]},
        {"orders": [{"items": [{"sku": "C"}]}, {}]},
    ]
    flat = flatten_table(pa.table({"o": as_text(rows)}))
    items = next(f for f in flat.elements if f.path == "o.orders[].items[]")
    assert items.table.column("o.orders[].items[].sku").to_pylist() == ["A", "B", "C"]
    assert items.rows.to_pylist() == [0, 0, 1]


def test_nulls_missing_keys_and_json_null_are_nulls_and_an_always_null_path_is_kept() -> None:
    rows = [{"a": 1, "sfzh": None}, {"sfzh": None}, None, {}]
    flat = flatten_table(pa.table({"j": as_text(rows)}))
    assert flat.table.column("j.a").to_pylist() == [1, None, None, None]
    # an always-null path is still a sub-column: its name alone may speak (name-only findings)
    assert flat.table.column("j.sfzh").null_count == 4


def test_malformed_text_and_bare_scalars_stay_in_the_json_column_and_nothing_else_does() -> None:
    values = ['{"phone": "13912345678"}', "{broken", '"just a string"', "42", None]
    flat = flatten_table(pa.table({"j": values}), {"j": "JSON"})
    assert flat.table.column_names == ["j", "j.phone"]
    assert flat.table.column("j").to_pylist() == [None, "{broken", '"just a string"', "42", None]
    assert flat.table.column("j.phone").to_pylist() == ["13912345678", None, None, None, None]


def test_a_fully_flattened_column_is_left_out_so_its_values_are_not_read_twice() -> None:
    flat = flatten_table(pa.table({"j": as_text([PAYLOAD])}))
    assert "j" not in flat.table.column_names


@pytest.mark.parametrize(
    "values",
    [
        ["张三", "李四", "王五"],
        ["[INFO] service started", "[WARN] disk 91% full", "[INFO] done"],  # log lines start with "["
        ["{not json}", "{also not}", "{nope}"],
        ['{"a": 1}', "plain text", "more text", "other text"],  # one JSON value among text: not a JSON column
        [None, None],
        [],
    ],
)
def test_text_that_is_not_json_is_left_untouched(values: list[str | None]) -> None:
    t = pa.table({"c": pa.array(values, pa.string())})
    flat = flatten_table(t)
    assert flat.table is t and flat.parents == {} and flat.elements == ()
    assert json_values(t.column("c")) is None


def test_a_declared_json_column_of_scalars_only_is_left_as_it_is() -> None:
    t = pa.table({"j": ['"a"', "1", None]})
    assert flatten_table(t, {"j": "jsonb"}).table is t


def test_numbers_and_other_types_are_left_alone() -> None:
    t = pa.table({"n": [1, 2], "f": [0.5, 1.5], "b": [b"{}", b"[]"]})
    assert flatten_table(t).table is t


def test_depth_is_capped_and_the_deeper_value_kept_whole_as_json_text() -> None:
    deep = {"a": {"b": {"c": {"d": {"e": {"f": {"g": "13912345678"}}}}}}}
    flat = flatten_table(pa.table({"j": as_text([deep])}))
    assert MAX_DEPTH == 6
    assert flat.table.column_names == ["j.a.b.c.d.e.f"]
    assert json.loads(flat.table.column("j.a.b.c.d.e.f")[0].as_py()) == {"g": "13912345678"}
    shallow = flatten_table(pa.table({"j": as_text([deep, {"a": {"b": [[1]]}}])}), max_depth=2)
    assert shallow.table.column_names == ["j.a.b"]
    assert shallow.table.column("j.a.b").to_pylist() == [
        '{"c": {"d": {"e": {"f": {"g": "13912345678"}}}}}',
        "[[1]]",
    ]


def test_paths_are_capped_the_busiest_kept_and_the_rest_left_in_the_column_as_json_text() -> None:
    # each k-key in two rows of three, "shared" in all three, "rare" in one
    rows = [{**{f"k{k:03d}": "x" for k in range(60) if k % 3 != i}, "shared": i} for i in range(3)]
    rows[0]["rare"] = "13912345678"
    flat = flatten_table(pa.table({"j": as_text(rows)}), max_paths=10)
    subs = [c for c in flat.table.column_names if c != "j"]
    assert len(subs) == 10
    assert "j.shared" in subs and "j.rare" not in subs
    rest = flat.table.column("j").to_pylist()
    assert json.loads(rest[0])["j.rare"] == ["13912345678"]  # not dropped: read as text in the column itself
    assert all(r is not None for r in rest)  # the k* paths beyond the cap, on every row
    assert flatten_table(pa.table({"j": as_text(rows)}), max_paths=10).table.equals(flat.table)


def test_objects_keyed_by_data_are_maps_so_no_identifier_becomes_a_column_name() -> None:
    rows = [
        {"contacts": {"13912345678": "张三", "13812345678": "李四"}, "name": "王五"},
        {"contacts": {"13712345678": "赵六"}, "name": "孙七"},
    ]
    flat = flatten_table(pa.table({"j": as_text(rows)}))
    names = [*flat.table.column_names, *(c for f in flat.elements for c in f.table.column_names)]
    assert not any(ch.isdigit() for n in names for ch in n)
    entries = next(f for f in flat.elements if f.path == "j.contacts.*")
    assert entries.table.column("j.contacts.*~").to_pylist() == ["13912345678", "13812345678", "13712345678"]
    assert entries.table.column("j.contacts.*").to_pylist() == ["张三", "李四", "赵六"]
    assert entries.rows.to_pylist() == [0, 0, 1]


def test_objects_whose_keys_rarely_repeat_are_maps_even_when_the_keys_look_like_names() -> None:
    surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"
    rows = [{"scores": {f"{surnames[i]}{surnames[j]}": 90 for j in range(4)}} for i in range(4)]
    flat = flatten_table(pa.table({"j": as_text(rows)}))
    assert [f.path for f in flat.elements] == ["j.scores.*"]
    assert flat.table.column_names == []  # nothing row-aligned: every value is a map entry


def test_records_with_many_fields_that_repeat_are_not_maps() -> None:
    rows = [{f"field_{c}": i for c in "abcdefghij"} for i in range(5)]
    flat = flatten_table(pa.table({"j": as_text(rows)}))
    assert flat.elements == () and len(flat.table.column_names) == 10


def test_field_names_the_path_syntax_uses_are_quoted() -> None:
    flat = flatten_table(pa.table({"j": as_text([{"first.name": "张三", "*": 1, "@ts": "x"}])}))
    assert flat.table.column_names == ['j["first.name"]', 'j["*"]', 'j["@ts"]']


def test_mixed_types_at_one_path_become_text() -> None:
    flat = flatten_table(pa.table({"j": as_text([{"lat": 31.5}, {"lat": "31.25"}, {"lat": True}])}))
    assert flat.table.column("j.lat").to_pylist() == ["31.5", "31.25", "true"]


def test_order_is_first_appearance_and_the_result_is_deterministic() -> None:
    rows = [{"b": 1, "a": {"y": 1}}, {"a": {"x": 2, "y": 3}, "c": 4}]
    t = pa.table({"j": as_text(rows)})
    first, second = flatten_table(t), flatten_table(t)
    assert first.table.column_names == ["j.b", "j.a.y", "j.a.x", "j.c"]
    assert first.table.equals(second.table) and first.parents == second.parents


def test_a_path_that_is_already_a_column_leaves_the_json_column_as_text() -> None:
    t = pa.table({"a.b": ["x"], "a": as_text([{"b": "y"}])})
    assert flatten_table(t).table is t


def test_nested_arrow_types_from_parquet_keep_their_value_types() -> None:
    payload = pa.array(
        [
            {
                "device": {"imei": "861234567890123"},
                "geo": {"lat": 31.234567, "lng": 121.456789},
                "pts": [{"x": 1}],
            },
            None,
        ]
    )
    attrs = pa.array([[("color", "red")], None], pa.map_(pa.string(), pa.string()))
    flat = flatten_table(pa.table({"payload": payload, "attrs": attrs, "tags": pa.array([["a"], []])}))
    assert flat.table.schema.field("payload.geo.lat").type == pa.float64()
    assert flat.table.column("payload.device.imei").to_pylist() == ["861234567890123", None]
    assert flat.table.column("attrs.color").to_pylist() == ["red", None]
    assert [f.path for f in flat.elements] == ["payload.pts[]", "tags[]"]
    assert flat.elements[0].table.schema.field("payload.pts[].x").type == pa.int64()


def test_a_value_whose_first_byte_cannot_open_json_is_not_sniffed_further() -> None:
    """The first-byte look-up never drops a value that opens JSON once trimmed: every character Arrow's
    ``utf8_ltrim_whitespace`` trims has its UTF-8 lead byte in the table, as do ``{`` and ``[``."""
    points = [cp for cp in range(0x110000) if not 0xD800 <= cp < 0xE000]
    texts = pa.array([chr(cp) + "{" for cp in points])
    trimmed = pc.utf8_ltrim_whitespace(texts).to_pylist()
    lead = [chr(cp).encode()[0] for cp, t in zip(points, trimmed, strict=True) if t == "{"]
    assert len(lead) > 20 and all(json_flatten._MAY_OPEN[b] for b in lead)
    assert json_flatten._MAY_OPEN[ord("{")] and json_flatten._MAY_OPEN[ord("[")]
    assert json_values(pa.array(['\u3000{"a": 1}', " [1]", "\u00a0{}"])) is not None  # opens after the spaces
    assert json_values(pa.array(["张三", "13912345678", '{"a": 1}'])) is None  # one in three: too few
