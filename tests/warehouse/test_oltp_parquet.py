"""The OLTP snapshot as Parquet beside the lake: one whole snapshot at a time."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.warehouse.oltp_parquet import OLTP_DIR, current_dir, write_snapshot_parquet


def _snapshot(orders: list[str], items: list[str]) -> dict[str, pa.Table]:
    return {"orders": pa.table({"id": pa.array(orders, pa.string())}),
            "order_items": pa.table({"order_id": pa.array(items, pa.string())})}


def test_current_names_the_newest_whole_snapshot(tmp_path):
    write_snapshot_parquet(tmp_path, _snapshot(["o1"], ["o1"]))
    write_snapshot_parquet(tmp_path, _snapshot(["o1", "o2"], ["o1", "o2", "o2"]))
    current = current_dir(tmp_path)
    assert pq.read_table(current / "orders.parquet").column("id").to_pylist() == ["o1", "o2"]
    assert pq.read_table(current / "order_items.parquet").num_rows == 3


def test_the_previous_snapshot_is_kept_and_older_ones_go(tmp_path):
    folders = [write_snapshot_parquet(tmp_path, _snapshot([f"o{n}"], [])) for n in range(3)]
    left = sorted(p.name for p in (tmp_path / OLTP_DIR).iterdir())
    assert left == sorted(["current", folders[1].name, folders[2].name])
    assert current_dir(tmp_path).resolve() == folders[2].resolve()


def test_an_empty_table_keeps_its_columns(tmp_path):
    empty = {"users": pa.table({"id": pa.array([], pa.string()),
                                "created_at": pa.array([], pa.timestamp("us"))})}
    write_snapshot_parquet(tmp_path, empty)
    schema = pq.read_schema(current_dir(tmp_path) / "users.parquet")
    assert schema.names == ["id", "created_at"]
