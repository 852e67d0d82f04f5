# ruff: noqa: E501  (sample log lines are kept whole: their length is part of the format)
"""Header detection on hand-written lines in each Loghub header format, JSON and logfmt."""

from __future__ import annotations

import pytest

from warroom.ingest.header import detect_header

# (format name, lines, expected messages, expected fields of the first line)
FORMATS: list[tuple[str, list[str], list[str], dict[str, str]]] = [
    (
        "HDFS",
        [
            "090312 101502 311 INFO dfs.DataNode$DataXceiver: Receiving block blk_77 src: /10.0.0.1",
            "090312 101503 27 WARN dfs.FSNamesystem: BLOCK* ask 10.0.0.2:50010 to delete blk_1",
            "090312 101507 311 INFO dfs.DataNode: Served block blk_9 to /10.0.0.3",
        ],
        ["Receiving block blk_77 src: /10.0.0.1", "BLOCK* ask 10.0.0.2:50010 to delete blk_1",
         "Served block blk_9 to /10.0.0.3"],
        {"level": "INFO", "pid": "311", "component": "dfs.DataNode$DataXceiver"},
    ),
    (
        "Hadoop",
        [
            "2019-04-02 08:15:01,204 INFO [main] org.apache.app.Master: Starting job 12",
            "2019-04-02 08:15:02,311 WARN [IPC Server handler 3 on 7000] org.apache.ipc.Server: Slow call",
            "2019-04-02 08:15:02,900 ERROR [Thread-7] org.apache.app.Task: Task failed: disk full",
        ],
        ["Starting job 12", "Slow call", "Task failed: disk full"],
        {"level": "INFO", "thread": "[main]", "component": "org.apache.app.Master"},
    ),
    (
        "Spark",
        [
            "19/11/05 14:22:10 INFO storage.BlockManager: Removing RDD 4",
            "19/11/05 14:22:11 WARN executor.Executor: Lost task 1.0 in stage 2",
            "19/11/05 14:22:13 INFO Remoting: Started remoting on port 4040",
        ],
        ["Removing RDD 4", "Lost task 1.0 in stage 2", "Started remoting on port 4040"],
        {"level": "INFO", "component": "storage.BlockManager"},
    ),
    (
        "Zookeeper",
        [
            "2016-02-11 09:00:01,101 - INFO  [main:Server@100] - Server started on 2181",
            "2016-02-11 09:00:05,555 - WARN  [Worker:1:Cnx$Worker@77] - Connection broken: reset",
            "2016-02-11 09:00:09,010 - ERROR [Leader[id=2]/0.0.0.0:2181:Quorum@9] - Lost quorum",
        ],
        ["Server started on 2181", "Connection broken: reset", "Lost quorum"],
        {"level": "INFO"},
    ),
    (
        "BGL",
        [
            "- 1120000001 2005.06.29 R01-M0-N1 2005-06-29-03.00.01.100000 R01-M0-N1 RAS KERNEL INFO cache parity corrected",
            "- 1120000002 2005.06.29 R02-M1-N4 2005-06-29-03.00.02.200000 R02-M1-N4 RAS APP FATAL ciod: failed to read message",
            "KERNDTLB 1120000003 2005.06.29 R03-M0-N2 2005-06-29-03.00.03.300000 R03-M0-N2 RAS KERNEL FATAL data TLB error interrupt",
        ],
        ["cache parity corrected", "ciod: failed to read message", "data TLB error interrupt"],
        {"level": "INFO"},
    ),
    (
        "HPC",
        [
            "460101 node-12 unix.hw state_change.unavailable 1090000001 1 Component State Change: fan down",
            "460102 node-40 action start 1090000002 1 clusterAddMember (command 1902)",
            "460103 node-12 boot_cmd new 1090000003 1 Targeting domains:node-D1 and nodes:node-[40-63]",
        ],
        ["Component State Change: fan down", "clusterAddMember (command 1902)",
         "Targeting domains:node-D1 and nodes:node-[40-63]"],
        {},
    ),
    (
        "Thunderbird",
        [
            "- 1131000001 2005.11.03 an12 Nov 3 07:01:01 an12/an12 crond(pam_unix)[1201]: session opened for root",
            "- 1131000002 2005.11.03 bn7 Nov 3 07:01:02 bn7/bn7 sshd[7781]: Accepted publickey for admin",
            "- 1131000003 2005.11.03 tadmin2 Nov 3 07:01:03 src@tadmin2 dhcpd: DHCPREQUEST for 10.1.1.1",
        ],
        ["session opened for root", "Accepted publickey for admin", "DHCPREQUEST for 10.1.1.1"],
        {"component": "crond(pam_unix)", "pid": "1201"},
    ),
    (
        "Linux",
        [
            "Mar  4 10:01:02 box sshd(pam_unix)[2201]: session closed for user ann",
            "Mar  4 10:01:09 box kernel: eth0: link up, 100Mbps",
            "Mar 14 10:02:00 box su(pam_unix)[2210]: session opened for user root",
        ],
        ["session closed for user ann", "eth0: link up, 100Mbps", "session opened for user root"],
        {"host": "box", "component": "sshd(pam_unix)", "pid": "2201"},
    ),
    (
        "HealthApp",
        [
            "20180102-10:01:02:311|Step_Counter|4001|onStepChanged 120",
            "20180102-10:01:2:400|Step_Sync|4001|sync total=120 ok",
            "20180102-10:01:03:002|Step_Counter|4001|flush",
        ],
        ["onStepChanged 120", "sync total=120 ok", "flush"],
        {"pid": "4001"},
    ),
    (
        "Apache",
        [
            "[Mon Jan 09 10:20:30 2006] [notice] child 12 started",
            "[Mon Jan 09 10:20:31 2006] [error] [client 10.0.0.9] File does not exist: /var/www/x",
            "[Mon Jan 09 10:20:35 2006] [notice] workerEnv.init() ok",
        ],
        ["child 12 started", "[client 10.0.0.9] File does not exist: /var/www/x",
         "workerEnv.init() ok"],
        {"level": "INFO"},
    ),
    (
        "Proxifier",
        [
            "[11.02 08:01:02] firefox.exe - example.org:443 open through proxy p.local:8080 HTTPS",
            "[11.02 08:01:05] updater.exe *64 - example.net:80 close, 10 bytes sent",
            "[11.02 08:01:09] firefox.exe - example.org:443 close, 2 bytes received",
        ],
        ["example.org:443 open through proxy p.local:8080 HTTPS", "example.net:80 close, 10 bytes sent",
         "example.org:443 close, 2 bytes received"],
        {"component": "firefox.exe"},
    ),
    (
        "OpenSSH",
        [
            "Feb  2 11:00:01 gate sshd[3001]: Invalid user bob from 10.2.3.4",
            "Feb  2 11:00:02 gate sshd[3001]: Failed password for invalid user bob from 10.2.3.4 port 22 ssh2",
            "Feb  2 11:00:09 gate sshd[3007]: Connection closed by 10.2.3.5 [preauth]",
        ],
        ["Invalid user bob from 10.2.3.4",
         "Failed password for invalid user bob from 10.2.3.4 port 22 ssh2",
         "Connection closed by 10.2.3.5 [preauth]"],
        {"host": "gate", "component": "sshd", "pid": "3001"},
    ),
    (
        "OpenStack",
        [
            "nova-api.log 2018-03-01 10:00:00.101 2201 INFO nova.api.wsgi [req-aa11 - - - - -] GET /v2/servers status: 200",
            "nova-compute.log 2018-03-01 10:00:01.202 2931 WARN nova.compute.manager [req-bb22 u1 p1 - - -] Instance slow",
            "nova-api.log 2018-03-01 10:00:02.303 2201 INFO nova.api.wsgi [-] GET /v2/flavors status: 200",
        ],
        ["GET /v2/servers status: 200", "Instance slow", "GET /v2/flavors status: 200"],
        {"level": "INFO", "pid": "2201"},
    ),
    (
        "Mac",
        [
            "Aug  3 09:10:11 laptop-1 kernel[0]: AppleUSB: port 2 reset",
            "Aug  3 09:10:12 laptop-1 com.apple.sync[412]: Thermal state: 1",
            "Aug  3 09:10:15 laptop-1 sandboxd[129] ([901]): deny file-read /private",
        ],
        ["AppleUSB: port 2 reset", "Thermal state: 1", "deny file-read /private"],
        {"host": "laptop-1", "component": "kernel", "pid": "0"},
    ),
    (
        "JSON",
        [
            '{"time": "2023-01-30T11:59:21Z", "level": "error", "msg": "db down", "service": "pay"}',
            '{"time": "2023-01-30T11:59:22Z", "level": "info", "msg": "retry", "service": "pay"}',
        ],
        ["db down", "retry"],
        {"level": "ERROR", "service": "pay", "timestamp": "2023-01-30T11:59:21Z"},
    ),
    (
        "logfmt",
        [
            'ts=2023-01-30T11:59:21Z level=warn msg="slow query" service=orders',
            'ts=2023-01-30T11:59:22Z level=info msg="ok" service=orders',
        ],
        ["slow query", "ok"],
        {"level": "WARN", "service": "orders"},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("name", "lines", "messages", "first_fields"), FORMATS)
def test_detect_header_splits_each_format_into_fields_and_message(
    name: str, lines: list[str], messages: list[str], first_fields: dict[str, str]
) -> None:
    header = detect_header(lines)
    got = [header.split(line) for line in lines]
    assert [g[1] if g else None for g in got] == messages, header.description
    first = got[0]
    assert first is not None
    for key, value in first_fields.items():
        assert first[0].get(key) == value, (name, key, first[0])


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2023-01-30 11:59:21,123 ERROR boom", 1675079961.123),
        ("2023-01-30T11:59:21.5+01:00 ERROR boom", 1675076361.5),
        ("[Mon Jan 30 11:59:21 2023] [error] boom", 1675079961.0),
        ("1675079961 ERROR boom", 1675079961.0),
        ("1675079961123 ERROR boom", 1675079961.123),
        ("20230130-11:59:21:123|C|1|boom", 1675079961.123),
    ],
)
def test_header_timestamps_become_utc_epoch_seconds(line: str, expected: float) -> None:
    header = detect_header([line] * 3)
    parsed = header.parse(line)
    assert parsed is not None
    assert parsed[2] == pytest.approx(expected)


def test_line_without_the_header_is_not_split() -> None:
    header = detect_header(
        [
            "2023-01-30 11:59:21,123 ERROR app.Main: failed",
            "2023-01-30 11:59:22,000 INFO app.Main: ok",
        ]
    )
    assert header.split("\tat app.Main.run(Main.java:10)") is None
    assert header.split("Caused by: java.io.IOException: closed") is None


def test_lines_without_any_header_keep_their_whole_text() -> None:
    header = detect_header(["just words here", "and more words", "nothing else"])
    assert header.kind == "none"
    assert header.split("  and more words ") == ({}, "and more words")


def test_unseen_level_value_does_not_break_the_header() -> None:
    header = detect_header([f"2023-01-30 11:59:2{i} INFO c.Main: step {i}" for i in range(5)])
    parsed = header.split("2023-01-30 11:59:29 WEIRD c.Main: odd")
    assert parsed == ({"timestamp": "2023-01-30 11:59:29", "component": "c.Main"}, "odd")


def test_spring_boot_padded_logger_before_lone_colon() -> None:
    lines = [
        "2026-03-14 13:30:03.957  INFO 1 --- [exec-2] com.shop.CheckoutService   : started",
        "2026-03-14 13:30:04.051 ERROR 1 --- [exec-3] com.shop.PaymentClient     : timed out",
    ]
    header = detect_header(lines)
    assert header.split(lines[1]) == (
        {"timestamp": "2026-03-14 13:30:04.051", "level": "ERROR", "pid": "1", "field3": "---",
         "thread": "[exec-3]", "component": "com.shop.PaymentClient"},
        "timed out",
    )  # fmt: skip
