"""Metric evidence on synthetic series: steps, flat lines, dips and host metrics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from warroom.domain.evidence import EvidenceKind, TimeWindow
from warroom.evidence.metrics import classify, metric_evidence
from warroom.ingest.records import MetricSeries

T0 = datetime(2026, 3, 14, 14, 0, tzinfo=UTC)
BASELINE = TimeWindow(start=T0, end=T0 + timedelta(minutes=19))
CURRENT = TimeWindow(start=T0 + timedelta(minutes=19), end=T0 + timedelta(minutes=30))


def series(
    values: list[float], name: str = "CpuUsageRate(%)", step_s: float = 60.0
) -> MetricSeries:
    ts = [T0.timestamp() + i * step_s for i in range(len(values))]
    return MetricSeries(entity="payment", name=name, ts=ts, values=values, source="m.csv")


def noisy(n: int, level: float, seed: int = 1) -> list[float]:
    rng = np.random.default_rng(seed)
    return [float(v) for v in level + rng.normal(0, level * 0.05, n)]


def test_step_in_cpu_is_a_change_point_with_the_right_onset() -> None:
    values = noisy(31, 2.0)
    for i in range(22, 31):
        values[i] += 35.0
    [found] = metric_evidence([series(values)], baseline=BASELINE, current=CURRENT)
    assert found.kind is EvidenceKind.METRIC_CHANGE_POINT
    assert found.onset == T0 + timedelta(minutes=22)
    assert found.id == "metric:payment:cpuusagerate"
    assert found.data["direction"] == "up"
    assert found.data["category"] == "cpu"
    assert found.score >= 3.0
    assert "rose" in found.summary and "14:22:00" in found.summary


def test_step_is_found_in_series_sampled_every_few_seconds() -> None:
    values = noisy(360, 10.0, seed=2)  # 30 minutes at 5 s
    for i in range(270, 360):
        values[i] += 5.0
    [found] = metric_evidence([series(values, step_s=5.0)], baseline=BASELINE, current=CURRENT)
    assert abs((found.onset - (T0 + timedelta(seconds=270 * 5))).total_seconds()) <= 30
    assert len(found.data["points"]) <= 60


def test_flat_series_makes_no_evidence() -> None:
    flat = series([0.0] * 31, name="SyscallRead")
    constant = series([42.0] * 31, name="MemoryUsage(Mi)")
    assert metric_evidence([flat, constant], baseline=BASELINE, current=CURRENT) == []


def test_noise_alone_makes_no_evidence() -> None:
    quiet = [series(noisy(31, 50.0, seed=s), name=f"m{s}") for s in range(20)]
    assert metric_evidence(quiet, baseline=BASELINE, current=CURRENT) == []


def test_drop_is_reported_as_falling() -> None:
    values = noisy(31, 100.0, seed=3)
    for i in range(21, 31):
        values[i] = 5.0
    [found] = metric_evidence(
        [series(values, name="PodSuccessRate(%)")], baseline=BASELINE, current=CURRENT
    )
    assert found.data["direction"] == "down"
    assert found.data["category"] == "errors"
    assert "fell" in found.summary


def test_node_metrics_are_kept_but_marked_as_host_scope() -> None:
    values = noisy(31, 3.0, seed=4)
    for i in range(22, 31):
        values[i] += 30.0
    [found] = metric_evidence(
        [series(values, name="NodeCpuUsageRate(%)")], baseline=BASELINE, current=CURRENT
    )
    assert found.data["scope"] == "node"


def test_metric_names_map_to_generic_categories() -> None:
    assert classify("container_memory_working_set_bytes").category == "memory"
    assert classify("http_request_duration_seconds").category == "latency"
    assert classify("PodClientLatencyP90(s)").side == "client"
    assert classify("NetworkTransmitBytes").category == "network"
    assert classify("PodWorkload(Ops)").category == "workload"
    assert classify("error_ratio").category == "errors"
    assert classify("temperature").category == "other"
