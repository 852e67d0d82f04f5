"""``python3 -m warroom.api.spec`` prints the app's OpenAPI document and writes nothing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from warroom.api.spec import main, openapi_document


def test_document_lists_every_route_with_its_operation_id() -> None:
    document = openapi_document()
    operations = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert {"incidents_create", "debates_start", "stats_get", "history_list"} <= operations
    assert "/api/v1/settings" in document["paths"]


def test_main_prints_json(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(out) == 0
    assert json.loads(out.getvalue())["openapi"].startswith("3.")


def test_module_run_prints_the_document_and_leaves_no_store(tmp_path: Path) -> None:
    env = {**os.environ, "WARROOM_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-m", "warroom.api.spec"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    )
    assert json.loads(result.stdout)["info"]["title"] == "warroom"
    assert not (tmp_path / "data").exists()
    assert list(tmp_path.iterdir()) == []
