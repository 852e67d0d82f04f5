"""Each file format, loaded from small files written to a temporary folder."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from warroom.ingest import load_paths

T0 = 1675079961.0  # 2023-01-30T11:59:21Z
POD = "ts-order-service-5b67c48447-fj8b7"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_plain_text_log_gets_time_level_and_entity_from_file_name(tmp_path: Path) -> None:
    write(
        tmp_path,
        "payment-7d9f8b6c4d-x2x4z_prod_app.log",
        "2023-01-30 11:59:21,000 INFO  [main] c.p.Api: started\n"
        "2023-01-30 11:59:22,500 ERROR [pool-1] c.p.Db: connection refused\n",
    )
    tel = load_paths([tmp_path])
    assert [(r.ts, r.level, r.message, r.line) for r in tel.logs] == [
        (T0, "INFO", "started", 1),
        (T0 + 1.5, "ERROR", "connection refused", 2),
    ]
    assert {r.entity for r in tel.logs} == {"payment"}
    assert tel.errors == []


def test_json_lines_take_service_trace_and_pod_fields(tmp_path: Path) -> None:
    lines = [
        {"@timestamp": "2023-01-30T11:59:21Z", "severity": "WARNING", "message": "slow",
         "kubernetes": {"pod_name": "cart-5b67c48447-fj8b7"}, "traceId": "abc"},
        {"ts": T0 + 1, "level": 50, "msg": "boom", "service.name": "cart"},
    ]  # fmt: skip
    write(tmp_path, "app.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    tel = load_paths([tmp_path])
    first, second = tel.logs
    assert (first.ts, first.level, first.message, first.entity) == (T0, "WARN", "slow", "cart")
    assert (first.trace_id, first.instance) == ("abc", "cart-5b67c48447-fj8b7")
    assert (second.ts, second.level, second.message, second.entity) == (
        T0 + 1,
        "ERROR",
        "boom",
        "cart",
    )


def test_docker_json_log_takes_level_from_the_inner_line(tmp_path: Path) -> None:
    rows = [
        {"log": f"2023-01-30 11:59:2{i} {lvl} c.Svc: step {i}\n", "time": "2023-01-30T11:59:21Z"}
        for i, lvl in enumerate(["INFO", "ERROR", "INFO"])
    ]
    write(tmp_path, "c.log", "\n".join(json.dumps(r) for r in rows))
    tel = load_paths([tmp_path])
    assert [(r.level, r.message) for r in tel.logs] == [
        ("INFO", "step 0"), ("ERROR", "step 1"), ("INFO", "step 2")
    ]  # fmt: skip


def test_logfmt_lines(tmp_path: Path) -> None:
    write(
        tmp_path,
        "svc.txt",
        'time=2023-01-30T11:59:21Z level=error msg="disk full" app=store\n'
        'time=2023-01-30T11:59:22Z level=info msg="freed" app=store\n',
    )
    tel = load_paths([tmp_path])
    assert [(r.ts, r.level, r.message, r.entity) for r in tel.logs] == [
        (T0, "ERROR", "disk full", "store"),
        (T0 + 1, "INFO", "freed", "store"),
    ]


def test_csv_log_with_json_log_column_uses_time_column_and_inner_level(tmp_path: Path) -> None:
    def row(ns: int, pod: str, level: str, text: str) -> str:
        inner = json.dumps(
            {"log": f"19:58:58.300 {level} o.s.Impl#32 {text}\n", "stream": "stdout"}
        )
        quoted = inner.replace('"', '""')
        return f'2023-01-30T11:59:21Z,{ns},10.0.0.1,{pod},server,t1,s1,"{quoted}"'

    write(
        tmp_path,
        "11_59_log.csv",
        "Timestamp,TimeUnixNano,Node,PodName,Container,TraceID,SpanID,Log\n"
        + row(1675079961_000000000, POD, "INFO", "order ok") + "\n"
        + row(1675079962_500000000, POD, "ERROR", "order failed") + "\n",
    )  # fmt: skip
    tel = load_paths([tmp_path])
    assert [(r.ts, r.level, r.message, r.entity, r.trace_id) for r in tel.logs] == [
        (T0, "INFO", "order ok", "ts-order-service", "t1"),
        (T0 + 1.5, "ERROR", "order failed", "ts-order-service", "t1"),
    ]
    assert tel.logs[0].instance == "ts-order-service-5b67c48447-fj8b7"


def test_wide_metric_csv_prefers_numeric_time_column(tmp_path: Path) -> None:
    write(
        tmp_path,
        "m.csv",
        "Time,TimeStamp,PodName,CpuUsageRate(%),MemoryUsage(Mi)\n"
        "2023-01-30 11:59:21.9 +0000 UTC m=+0.1,1675079961,ts-pay-6f6cfc45b-d9pnv,1.5,300\n"
        "2023-01-30 12:00:21.9 +0000 UTC m=+60.1,1675080021,ts-pay-6f6cfc45b-d9pnv,2.5,\n",
    )
    tel = load_paths([tmp_path])
    by_name = {m.name: m for m in tel.metrics}
    assert set(by_name) == {"CpuUsageRate(%)", "MemoryUsage(Mi)"}
    cpu = by_name["CpuUsageRate(%)"]
    assert (cpu.entity, cpu.instance, cpu.ts, cpu.values) == (
        "ts-pay", "ts-pay-6f6cfc45b-d9pnv", [T0, T0 + 60], [1.5, 2.5]
    )  # fmt: skip
    assert by_name["MemoryUsage(Mi)"].values == [300.0]


def test_wide_metric_csv_without_entity_column_uses_file_stem(tmp_path: Path) -> None:
    write(tmp_path, "payment-service_metric.csv", "time,cpu\n2023-01-30T11:59:21Z,0.5\n")
    (series,) = load_paths([tmp_path]).metrics
    assert (series.entity, series.name, series.ts, series.values) == (
        "payment-service", "cpu", [T0], [0.5]
    )  # fmt: skip


def test_long_metric_csv(tmp_path: Path) -> None:
    write(
        tmp_path,
        "long.csv",
        "timestamp,metric,value,service\n"
        "1675079961000,latency_p99,120,cart\n1675079961000,cpu,0.4,cart\n1675080021000,cpu,0.9,cart\n",
    )
    series = {m.name: m for m in load_paths([tmp_path]).metrics}
    assert series["cpu"].values == [0.4, 0.9]
    assert series["cpu"].ts == [T0, T0 + 60]
    assert series["latency_p99"].entity == "cart"


def test_nezha_span_csv_uses_end_minus_start_and_root_parent(tmp_path: Path) -> None:
    write(
        tmp_path,
        "11_59_trace.csv",
        "TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano,Duration\n"
        "t1,a,root,ts-gateway-service-6f6cfc45b-d9pnv,/*,1675079961000000000,1675079961112500000,112500\n"
        f"t1,b,a,{POD},GET /order,1675079961010000000,1675079961060000000,50000\n",
    )
    root, child = load_paths([tmp_path]).spans
    assert (root.parent_id, root.service, root.start, root.error) == (
        None,
        "ts-gateway-service",
        T0,
        None,
    )
    assert root.duration_ms == pytest.approx(112.5)
    assert (child.parent_id, child.operation, child.instance) == (
        "a", "GET /order", "ts-order-service-5b67c48447-fj8b7"
    )  # fmt: skip


def test_generic_span_csv_reads_duration_ms_and_status(tmp_path: Path) -> None:
    write(
        tmp_path,
        "spans.csv",
        "trace_id,span_id,parent_span_id,service,name,start,duration_ms,status\n"
        "t1,a,,api,GET /,2023-01-30T11:59:21Z,40,ok\n"
        "t1,b,a,db,SELECT,2023-01-30T11:59:21.01Z,30,error\n",
    )
    api, db = load_paths([tmp_path]).spans
    assert (api.parent_id, api.duration_ms, api.error) == (None, 40.0, False)
    assert (db.parent_id, db.service, db.start, db.error) == ("a", "db", T0 + 0.01, True)


def test_otlp_json_spans_with_base64_ids_and_error_status(tmp_path: Path) -> None:
    trace = base64.b64encode(bytes.fromhex("0af7651916cd43dd8448eb211c80319c")).decode()
    doc = {"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "cart"}}]},
        "scopeSpans": [{"spans": [{
            "traceId": trace, "spanId": "b7ad6b7169203331", "parentSpanId": "",
            "name": "checkout", "startTimeUnixNano": "1675079961000000000",
            "endTimeUnixNano": "1675079961250000000", "status": {"code": 2},
            "attributes": [{"key": "http.method", "value": {"stringValue": "POST"}}],
        }]}],
    }]}  # fmt: skip
    write(tmp_path, "export.json", json.dumps(doc))
    (span,) = load_paths([tmp_path]).spans
    assert span.trace_id == "0af7651916cd43dd8448eb211c80319c"
    assert (span.service, span.operation, span.start, span.parent_id) == (
        "cart",
        "checkout",
        T0,
        None,
    )
    assert span.duration_ms == pytest.approx(250.0)
    assert span.error is True
    assert span.attributes == {"http.method": "POST"}


def test_jaeger_json_spans_with_processes_and_error_tag(tmp_path: Path) -> None:
    doc = {"data": [{"traceID": "t1", "processes": {"p1": {"serviceName": "api"}}, "spans": [
        {"traceID": "t1", "spanID": "a", "operationName": "GET", "references": [],
         "startTime": 1675079961000000, "duration": 5000, "processID": "p1", "tags": []},
        {"traceID": "t1", "spanID": "b", "operationName": "q", "processID": "p1",
         "references": [{"refType": "CHILD_OF", "traceID": "t1", "spanID": "a"}],
         "startTime": 1675079961001000, "duration": 2000,
         "tags": [{"key": "error", "type": "bool", "value": True}]},
    ]}]}  # fmt: skip
    write(tmp_path, "jaeger.json", json.dumps(doc))
    parent, child = load_paths([tmp_path]).spans
    assert (parent.service, parent.start, parent.duration_ms, parent.error) == (
        "api",
        T0,
        5.0,
        False,
    )
    assert (child.parent_id, child.error) == ("a", True)


def test_format_is_detected_by_content_not_extension(tmp_path: Path) -> None:
    write(tmp_path, "data.txt", "time,cpu\n2023-01-30T11:59:21Z,0.5\n")
    write(tmp_path, "events.dat", '{"time": "2023-01-30T11:59:21Z", "msg": "hi"}\n')
    tel = load_paths([tmp_path])
    assert [m.name for m in tel.metrics] == ["cpu"]
    assert [r.message for r in tel.logs] == ["hi"]
