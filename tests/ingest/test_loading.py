"""Folder walking, windows, file skipping and errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from warroom.domain.evidence import TimeWindow
from warroom.ingest import load_paths

WINDOW = TimeWindow(
    start=datetime(2023, 1, 30, 11, 50, tzinfo=UTC), end=datetime(2023, 1, 30, 12, 0, tzinfo=UTC)
)


def _log(minutes: list[int], tag: str) -> str:
    return "".join(
        f"2023-01-30 {11 + m // 60:02d}:{m % 60:02d}:00 INFO c.A: {tag} {m}\n" for m in minutes
    )


def test_records_outside_window_are_dropped_and_untimed_kept(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_text(_log([40, 55, 65], "x") + "no time at all here\n")
    tel = load_paths([tmp_path], window=WINDOW)
    messages = [r.message for r in tel.logs]
    # the untimed line continues the dropped 65 record, so it goes with it
    assert messages == ["x 55"]
    (tmp_path / "a.log").write_text("untimed first line\n" + _log([55], "x"))
    assert [r.message for r in load_paths([tmp_path], window=WINDOW).logs] == [
        "untimed first line", "x 55"
    ]  # fmt: skip


def test_files_wholly_outside_window_are_skipped_without_parsing(tmp_path: Path) -> None:
    (tmp_path / "early.log").write_text(_log(list(range(0, 30)), "early"))
    (tmp_path / "inside.log").write_text(_log([50, 52], "in"))
    (tmp_path / "late.csv").write_text(
        "time,cpu\n" + "".join(f"2023-01-30T13:{m:02d}:00Z,1\n" for m in range(10))
    )
    seen: list[str] = []
    tel = load_paths([tmp_path], window=WINDOW, on_file=seen.append)
    assert sorted(Path(p).name for p in tel.skipped) == ["early.log", "late.csv"]
    assert [Path(p).name for p in tel.files] == ["inside.log"]
    assert [Path(p).name for p in seen] == ["early.log", "inside.log", "late.csv"]


def test_out_of_order_file_is_not_skipped_when_its_range_may_overlap(tmp_path: Path) -> None:
    # records go backwards: the first and last lines alone would suggest 12:03..12:04
    minutes = [64, 61, 58, 63, 60, 57, 62, 59, 63]
    (tmp_path / "shuffled.log").write_text(_log(minutes, "s"))
    tel = load_paths([tmp_path], window=WINDOW)
    assert tel.skipped == []
    assert sorted(r.message for r in tel.logs) == ["s 57", "s 58", "s 59", "s 60"]


def test_folders_are_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / "b" / "z.log").write_text(_log([51], "z"))
    (tmp_path / "a" / "deep" / "y.log").write_text(_log([52], "y"))
    (tmp_path / ".hidden.log").write_text(_log([53], "h"))
    tel = load_paths([tmp_path])
    assert [r.message for r in tel.logs] == ["y 52", "z 51"]


def test_malformed_json_line_is_reported_and_good_lines_load(tmp_path: Path) -> None:
    good = json.dumps({"time": "2023-01-30T11:55:00Z", "level": "info", "msg": "ok"})
    (tmp_path / "app.jsonl").write_text(
        f"{good}\n{good}\n" + '{"time": "2023-01-30T11:55:01Z", "msg": \n' + f"{good}\n"
    )
    tel = load_paths([tmp_path])
    assert [r.message for r in tel.logs] == ["ok", "ok", "ok"]
    (error,) = tel.errors
    assert error.path.endswith("app.jsonl") and error.line == 3
    assert "JSON" in error.expected and "malformed" in error.found
    assert "app.jsonl:3" in error.message()


def test_named_binary_file_gets_an_error_naming_accepted_formats(tmp_path: Path) -> None:
    dump = tmp_path / "core.dump"
    dump.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    (tmp_path / "ok.log").write_text(_log([55], "ok"))
    tel = load_paths([dump, tmp_path / "ok.log"])
    (error,) = tel.errors
    assert error.path.endswith("core.dump")
    assert "binary" in error.found
    assert "JSON lines" in error.expected and "CSV" in error.expected
    assert [r.message for r in tel.logs] == ["ok 55"]


def test_binary_file_met_in_a_folder_is_passed_over_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "core.dump").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    (tmp_path / "ok.log").write_text(_log([55], "ok"))
    tel = load_paths([tmp_path])
    assert tel.errors == []
    assert len(tel.ignored) == 1 and "core.dump" in tel.ignored[0]
    assert [r.message for r in tel.logs] == ["ok 55"]


def test_named_csv_fitting_no_format_is_an_error_not_a_crash(tmp_path: Path) -> None:
    ids = tmp_path / "ids.csv"
    ids.write_text("e537d62273201f6a0ad7a80fde41c068\n2ffbc4a03bbc5600a45841d05e452454\n")
    labels = tmp_path / "labels.csv"
    labels.write_text("name,colour\napple,red\n")
    tel = load_paths([ids, labels])
    assert sorted(Path(e.path).name for e in tel.errors) == ["ids.csv", "labels.csv"]
    assert all("CSV" in e.expected or "CSV" in e.found for e in tel.errors)


def test_csv_fitting_no_format_in_a_folder_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "ids.csv").write_text("e537d62273201f6a0ad7a80fde41c068\n2ffb\n")
    tel = load_paths([tmp_path])
    assert tel.errors == []
    assert "ids.csv" in tel.ignored[0]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    tel = load_paths([tmp_path / "nope"])
    assert tel.errors[0].found == "nothing"


def test_named_prose_file_is_an_error_not_untimed_log_records(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Notes\nThis folder holds the exported logs.\n")
    tel = load_paths([readme])
    assert tel.logs == []
    assert "no timestamp" in tel.errors[0].found


def test_prose_file_in_a_folder_is_ignored_not_loaded(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Notes\nThis folder holds the exported logs.\n")
    tel = load_paths([tmp_path])
    assert tel.logs == [] and tel.errors == []
    assert "no timestamp" in tel.ignored[0]
