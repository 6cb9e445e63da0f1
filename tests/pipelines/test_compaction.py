"""Compaction of landed files into Parquet parts per arrival day: idempotent, crash safe."""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import events as ingest
from pipelines.ingest.compaction import compacted_root, part_path, write_part
from transactional_api.events import contract as c

WHEN = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)


def land_at(lake: Path, n: int, arrived: datetime, tag: str, day: int = 0) -> Path:
    """n page views of day WHEN + day, in one relay file stamped ``arrived``."""
    folder = lake / "page_view" / f"date={(WHEN + timedelta(days=day)).date()}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"part-{arrived.strftime('%Y%m%dT%H%M%S%f')}-{tag}.jsonl"
    lines = [json.dumps(c.to_record(c.PageView(
        event_id=f"{tag}-{i}", occurred_at=WHEN + timedelta(days=day, minutes=i),
        anonymous_id=f"a{i}", payload={"page": "/"}))) for i in range(n)]
    path.write_text("".join(line + "\n" for line in lines))
    return path


def rows(conn) -> list[tuple]:
    return sorted(conn.execute(
        "SELECT event_id, occurred_at, _source_file FROM raw.events").fetchall())


def parts(lake: Path) -> list[str]:
    return sorted(p.relative_to(lake).as_posix() for p in compacted_root(lake).rglob("*")
                  if p.is_file())


def test_parts_are_per_arrival_day_and_named_by_their_files(tmp_path):
    lake = tmp_path / "lake"
    day1, day2 = WHEN, WHEN + timedelta(days=1)
    land_at(lake, 3, day1, "f1")
    land_at(lake, 2, day1 + timedelta(hours=1), "f2")
    late = land_at(lake, 4, day2, "f3")  # day 0's events, arriving the next day
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        result = ingest.load_new_files(conn, lake)
        manifest = dict(conn.execute(
            "SELECT file_path, compacted_into FROM raw._loaded_files").fetchall())
        per_part = dict(conn.execute(
            "SELECT compacted_into, sum(row_count) FROM raw._loaded_files GROUP BY 1"
        ).fetchall())
    assert (result.files, result.rows, result.parts) == (3, 9, 2)
    # f1 and f2 arrived on 05-01, f3 on 05-02 (though its events are of 05-01)
    assert [p.split("/")[1] for p in parts(lake)] == ["date=2025-05-01", "date=2025-05-02"]
    assert per_part == {parts(lake)[0]: 5, parts(lake)[1]: 4}
    assert manifest[late.relative_to(lake).as_posix()] == parts(lake)[1]
    late_rel = late.relative_to(lake).as_posix()
    assert parts(lake)[1] == part_path(lake, date(2025, 5, 2), [late_rel]).relative_to(
        lake).as_posix()


def test_reloading_into_a_new_warehouse_recompacts_the_same_rows_and_parts(tmp_path):
    lake = tmp_path / "lake"
    land_at(lake, 3, WHEN, "f1")
    land_at(lake, 2, WHEN + timedelta(days=1), "f2")
    with duckdb.connect(str(tmp_path / "a.duckdb")) as conn:
        ingest.load_new_files(conn, lake)
        first_rows, first_parts = rows(conn), parts(lake)
        assert ingest.load_new_files(conn, lake).files == 0  # nothing new, nothing done
        assert parts(lake) == first_parts
    # A warehouse that never saw these parts takes them for leftovers and compacts again.
    with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
        again = ingest.load_new_files(conn, lake)
        assert again.orphans_removed == 2 and rows(conn) == first_rows
    assert parts(lake) == first_parts  # same files in, same names out


def test_a_closed_day_is_merged_into_one_part_with_the_same_rows(tmp_path):
    lake = tmp_path / "lake"
    files = [land_at(lake, 2, WHEN, "h1")]
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        ingest.load_new_files(conn, lake)
        files.append(land_at(lake, 3, WHEN + timedelta(hours=1), "h2"))
        ingest.load_new_files(conn, lake)  # an hourly run: a second part for 05-01
        assert len(parts(lake)) == 2
        before = rows(conn)
        land_at(lake, 1, WHEN + timedelta(days=1), "next")  # 05-02 begins: 05-01 is closed
        result = ingest.load_new_files(conn, lake)
        assert result.merged_days == 1
        assert rows(conn) == sorted([*before, *rows_of_next(conn)])
        assert conn.execute("SELECT count(*) FROM raw.events").fetchone()[0] == 2 + 3 + 1
    merged = part_path(lake, date(2025, 5, 1),
                       [f.relative_to(lake).as_posix() for f in files])
    # one part per day; 05-01's is the one compacting both files at once would have made
    assert len(parts(lake)) == 2
    assert parts(lake)[0] == merged.relative_to(lake).as_posix()


def rows_of_next(conn) -> list[tuple]:
    return conn.execute("SELECT event_id, occurred_at, _source_file FROM raw.events "
                        "WHERE event_id LIKE 'next-%'").fetchall()


def test_a_crash_between_writing_a_part_and_counting_it_loses_and_doubles_nothing(tmp_path):
    lake = tmp_path / "lake"
    f1 = land_at(lake, 3, WHEN, "f1")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        ingest.ensure_raw_tables(conn, lake)
        # The crashed run: its part is on disk, the manifest never heard of it, and a
        # second part was still being written.
        write_part(conn, lake, WHEN.date(), [f1], datetime(2025, 5, 1))
        half = compacted_root(lake) / "date=2025-05-01" / ".part-x.parquet.writing"
        half.write_bytes(b"PAR1 half a file")
        assert conn.execute("SELECT count(*) FROM raw.events").fetchone()[0] == 0
        result = ingest.load_new_files(conn, lake)
        assert result.orphans_removed == 2
        assert (result.files, result.rows) == (1, 3)
        assert conn.execute("SELECT count(*) FROM raw.events").fetchone()[0] == 3
    assert not half.exists() and len(parts(lake)) == 1


def test_a_crash_in_the_middle_of_a_merge_loses_and_doubles_nothing(tmp_path, monkeypatch):
    lake = tmp_path / "lake"
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        land_at(lake, 2, WHEN, "h1")
        ingest.load_new_files(conn, lake)
        land_at(lake, 3, WHEN + timedelta(hours=1), "h2")
        ingest.load_new_files(conn, lake)
        land_at(lake, 1, WHEN + timedelta(days=1), "next")
        real_unlink = Path.unlink

        def dies_deleting_old_parts(self, missing_ok=False):
            if self.suffix == ".parquet":
                raise OSError("the machine went away")
            return real_unlink(self, missing_ok=missing_ok)

        # The merged part is counted, then the process dies deleting the old ones.
        monkeypatch.setattr(Path, "unlink", dies_deleting_old_parts)
        with pytest.raises(OSError):
            ingest.load_new_files(conn, lake)
        monkeypatch.setattr(Path, "unlink", real_unlink)
        assert conn.execute("SELECT count(*) FROM raw.events").fetchone()[0] == 6
        assert len(parts(lake)) == 4  # two old parts left over, the merged one, 05-02's
        result = ingest.load_new_files(conn, lake)
        assert (result.orphans_removed, result.files) == (2, 0)
        assert conn.execute("SELECT count(*) FROM raw.events").fetchone()[0] == 6
    assert len(parts(lake)) == 2


def test_a_warehouse_from_before_compaction_keeps_its_rows(tmp_path):
    lake = tmp_path / "lake"
    f1 = land_at(lake, 2, WHEN, "old")
    rel = f1.relative_to(lake).as_posix()
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        # raw.events as the line-by-line loader left it: a table, and a 3-column manifest
        cols = ", ".join(f"{col} {'TIMESTAMP' if col in ('occurred_at', '_ingested_at') else 'INTEGER' if col == 'schema_version' else 'VARCHAR'}"  # noqa: E501
                         for col in ingest.RAW_EVENT_COLUMNS)
        conn.execute("CREATE SCHEMA raw")
        conn.execute(f"CREATE TABLE raw.events ({cols})")
        conn.execute("INSERT INTO raw.events (event_id, event_type, occurred_at, "
                     "_source_file) VALUES ('old-0', 'page_view', '2025-05-01 09:00', ?), "
                     "('old-1', 'page_view', '2025-05-01 09:01', ?)", [rel, rel])
        conn.execute("CREATE TABLE raw._loaded_files (file_path VARCHAR PRIMARY KEY, "
                     "row_count BIGINT, loaded_at TIMESTAMP)")
        conn.execute("INSERT INTO raw._loaded_files VALUES (?, 2, '2025-05-01 10:00')", [rel])
        land_at(lake, 1, WHEN + timedelta(hours=2), "new")
        result = ingest.load_new_files(conn, lake)
        kind = conn.execute("SELECT table_type FROM information_schema.tables "
                            "WHERE table_schema = 'raw' AND table_name = 'events'").fetchone()
        ids = sorted(r[0] for r in conn.execute("SELECT event_id FROM raw.events").fetchall())
        uncompacted = conn.execute("SELECT count(*) FROM raw._loaded_files "
                                   "WHERE compacted_into IS NULL").fetchone()[0]
    assert (result.files, result.rows) == (1, 1)  # the old file is not read again
    assert kind == ("VIEW",) and ids == ["new-0", "old-0", "old-1"] and uncompacted == 0
