import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer

from warroom.bench.nezha import WINDOW, load_faults, naive_ranking
from warroom.evidence.engine import Frame
from warroom.ingest.records import MetricSeries

AT = datetime(2023, 1, 30, 12, 0, tzinfo=UTC)


def test_faults_need_only_a_day_and_an_alert_time(tmp_path: Path) -> None:
    path = tmp_path / "faults.json"
    path.write_text(json.dumps([{"day": "2023-01-30", "inject_time": "2023-01-30 12:00:00"}]))
    [fault] = load_faults(path)
    assert fault.inject_time == AT
    assert fault.service is None and fault.fault_type is None


def test_a_fault_without_an_alert_time_is_refused_with_what_was_found(tmp_path: Path) -> None:
    path = tmp_path / "faults.json"
    path.write_text(json.dumps([{"day": "2023-01-30"}]))
    with pytest.raises(typer.BadParameter, match="needs 'day' and 'inject_time'"):
        load_faults(path)


def series(entity: str, jump: float) -> MetricSeries:
    start = AT - timedelta(minutes=10)
    ts = [(start + timedelta(minutes=i)).timestamp() for i in range(15)]
    values = [10.0 + (i % 2) for i in range(15)]
    values[-3:] = [v + jump for v in values[-3:]]
    return MetricSeries(entity=entity, name="CpuUsageRate(%)", ts=ts, values=values)


def test_naive_ranking_puts_the_largest_metric_jump_first() -> None:
    frame = Frame.around(AT, WINDOW)
    ranking = naive_ranking([series("calm", 0.5), series("hot", 50.0)], frame)
    assert ranking == ["hot", "calm"]
