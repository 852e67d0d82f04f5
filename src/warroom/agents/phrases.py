"""What the offline reasoner says, in English and Chinese.

Free text that models write is shown as written; these phrases are for the deterministic
reasoner, so that a report in Chinese reads as Chinese even with no model configured.
"""

from __future__ import annotations

from typing import Any

_PHRASES: dict[str, dict[str, str]] = {
    "own_change": {
        "en": "{component}'s own behaviour changed first: {what}",
        "zh": "{component} 自身最先出现异常：{what}",
    },
    "propagated": {
        "en": "The failure of {component} propagated to its callers: {what}",
        "zh": "{component} 的故障沿调用链传播到上游：{what}",
    },
    "ranked": {
        "en": "The evidence engine ranks {component} #{position} of the suspects",
        "zh": "证据引擎将 {component} 列为第 {position} 号嫌疑组件",
    },
    "exception_seen": {
        "en": "{component} throws {exc} at {location}",
        "zh": "{component} 在 {location} 抛出 {exc}",
    },
    "statement": {
        "en": "{component} is the root cause ({fault}); its symptoms reached {victims}",
        "zh": "{component} 是根因（{fault}），其影响波及 {victims}",
    },
    "no_victims": {"en": "no other component", "zh": "无其他组件"},
    "victim_objection": {
        "en": "{component} calls {other}, which is anomalous too and started no later; "
        "{component} may only be a victim of {other}",
        "zh": "{component} 调用了同样异常且更早（或同时）开始异常的 {other}，"
        "{component} 可能只是 {other} 的受害者",
    },
    "thin_objection": {
        "en": "The case against {component} rests on one kind of evidence only",
        "zh": "指向 {component} 的证据只有一种类型，证据链单薄",
    },
    "late_objection": {
        "en": "{component} started to misbehave {minutes} min after the alert; a cause comes first",
        "zh": "{component} 在告警后 {minutes} 分钟才开始异常，原因应当先于结果",
    },
    "no_claims_objection": {
        "en": "No claim about {component} survived the citation check",
        "zh": "关于 {component} 的论断均未通过引用校验",
    },
    "defend_own": {
        "en": "{component}'s own {what} moved at {onset}, no later than {other}: it is a cause, "
        "not a victim",
        "zh": "{component} 自身的 {what} 在 {onset} 已发生变化，不晚于 {other}：它是原因而非受害者",
    },
    "defend_rank": {
        "en": "{component} outranks {other} once propagation is accounted for: its own "
        "evidence ({what}) is stronger than anything {other} shows",
        "zh": "在计入故障传播后 {component} 的排名仍高于 {other}：其自身证据（{what}）强于 {other}",
    },
    "defend_breadth": {
        "en": "{component} leads the ranking by a clear margin; one strong signal suffices",
        "zh": "{component} 在排序中明显领先，一个强信号已足够",
    },
    "concede": {
        "en": "Conceded: {text}",
        "zh": "接受质疑：{text}",
    },
    "critique_summary": {
        "en": "{count} objection(s) raised against {targets}",
        "zh": "针对 {targets} 提出 {count} 条质疑",
    },
    "critique_none": {"en": "No objection left to raise", "zh": "没有新的质疑"},
    "rebuttal_summary": {
        "en": "Defended {defended}, conceded {conceded}; leading: {leader}",
        "zh": "成功辩护 {defended} 条，接受质疑 {conceded} 条；当前领先：{leader}",
    },
    "impact": {
        "en": "{component} is failing ({fault}); {count} calling component(s) are affected: "
        "{victims}. User-facing requests that pass through them slow down or fail.",
        "zh": "{component} 故障（{fault}）；{count} 个上游组件受到影响：{victims}。"
        "经过这些组件的用户请求会变慢或失败。",
    },
    "why_lost_rank": {
        "en": "weaker evidence (confidence {confidence:.2f} vs {winner:.2f})",
        "zh": "证据较弱（置信度 {confidence:.2f}，胜出者 {winner:.2f}）",
    },
    "why_lost_victim": {
        "en": "its symptoms are explained by {winner}, which it depends on",
        "zh": "其症状可由其依赖的 {winner} 解释",
    },
    "why_lost_struck": {
        "en": "no claim survived the citation check",
        "zh": "论断均未通过引用校验",
    },
    "team_unknown": {
        "en": "owners of {component} (no ownership data given)",
        "zh": "{component} 的负责团队（未提供归属信息）",
    },
    "fix.cpu_contention": {
        "en": "Find what consumes CPU in {component} (profile it, check the last deploy and noisy "
        "neighbours on its node); raise its CPU limit or scale it out meanwhile.",
        "zh": "排查 {component} 的 CPU 消耗来源（性能剖析、最近一次发布、同节点的争用进程）；"
        "同时提高其 CPU 限额或扩容。",
    },
    "fix.memory_pressure": {
        "en": "Inspect {component}'s heap and memory growth (heap dump, recent changes); raise its "
        "memory limit or restart it to buy time, then fix the leak.",
        "zh": "检查 {component} 的内存增长（堆转储、最近变更）；"
        "先提高内存限额或重启止血，再修复泄漏。",
    },
    "fix.network_delay": {
        "en": "Check the network path of {component} (its pod and node network, service mesh, "
        "DNS); reschedule it to a healthy node if the node's network is degraded, and make its "
        "callers' timeouts and retries bounded.",
        "zh": "检查 {component} 的网络路径（Pod 与节点网络、服务网格、DNS）；若节点网络异常，"
        "将其调度到健康节点，并为调用方设置有界的超时与重试。",
    },
    "fix.exception": {
        "en": "Fix the failing code at {location} in {component}: reproduce the exception in a "
        "test, guard the failing call, and roll back the change that introduced it if the fix "
        "cannot ship quickly.",
        "zh": "修复 {component} 中 {location} 处的异常：用测试复现该异常，保护出错调用；"
        "若无法快速修复，回滚引入该问题的变更。",
    },
    "fix.return": {
        "en": "{component} returns wrong results without failing: review recent changes around "
        "{location} and its response contract, and add validation at its callers.",
        "zh": "{component} 返回了错误结果但未报错：审查 {location} 附近的最近变更与接口约定，"
        "并在调用方增加校验。",
    },
    "fix.dependency_failure": {
        "en": "Restore the dependency of {component} (database, cache or queue): check its "
        "connection pool, timeouts and the dependency's health.",
        "zh": "恢复 {component} 的依赖（数据库、缓存或队列）：检查连接池、超时与依赖自身状态。",
    },
    "fix.unknown": {
        "en": "Inspect {component}'s recent changes and resource use; compare with its last "
        "healthy state.",
        "zh": "检查 {component} 的最近变更与资源使用，并与上一次健康状态对比。",
    },
    "unknown_location": {"en": "the failing call path", "zh": "出错的调用路径"},
    "fix.commit": {
        "en": ' The line was last changed by commit {sha} "{summary}" ({author}, {date}): '
        "review that change first and revert it if a fix cannot ship quickly.",
        "zh": " 该行最近一次由提交 {sha}“{summary}”（{author}，{date}）修改："
        "优先审查该变更，若无法快速修复则回滚它。",
    },
    "code.located": {
        "en": "{component} fails in {method} at {place}; owners: {owners}",
        "zh": "{component} 在 {method}（{place}）处出错；负责人：{owners}",
    },
    "code.changed": {
        "en": 'Commit {sha} "{summary}" by {author} on {date} last changed that line, '
        "before the failures began",
        "zh": "提交 {sha}“{summary}”（{author}，{date}）最近修改了该行，早于故障出现",
    },
    "code.no_owner": {"en": "none recorded", "zh": "未记录"},
    "root_cause": {
        "en": "{component}: {fault}. {detail}",
        "zh": "{component}：{fault}。{detail}",
    },
    "root_cause_detail": {
        "en": "First sign: {first}. Then its callers failed: {victims}.",
        "zh": "最早迹象：{first}。随后其上游调用方出现故障：{victims}。",
    },
    "root_cause_alone": {
        "en": "First sign: {first}.",
        "zh": "最早迹象：{first}。",
    },
    "fault.cpu_contention": {"en": "CPU contention", "zh": "CPU 争用"},
    "fault.memory_pressure": {"en": "memory pressure", "zh": "内存压力"},
    "fault.network_delay": {"en": "network delay", "zh": "网络延迟"},
    "fault.exception": {"en": "code exception", "zh": "代码异常"},
    "fault.return": {"en": "wrong return value", "zh": "错误返回值"},
    "fault.dependency_failure": {"en": "dependency failure", "zh": "依赖故障"},
    "fault.unknown": {"en": "undetermined fault", "zh": "未确定的故障"},
}


def say(key: str, lang: str, **values: Any) -> str:
    """The phrase for ``key`` in ``lang`` (English when the language is unknown)."""
    entry = _PHRASES[key]
    return entry.get(lang, entry["en"]).format(**values)


def languages_complete() -> bool:
    return all(set(v) == {"en", "zh"} for v in _PHRASES.values())
