"""The case library: past incidents and their verdicts, searched by BM25 (``bm25s``).

Tokens: Latin text gives lower-case words, split at ``.``, ``_``, ``-`` and camelCase, with the
joined form kept too (``HikariPool-1`` → ``hikaripool-1``, ``hikari``, ``pool``, ``1``); a light
plural rule folds ``connections`` onto ``connection``; a few English stop words are dropped.
Chinese (and other CJK) text gives overlapping character bigrams (``连接池`` → ``连接``,
``接池``), a lone character itself. A case is indexed from its title and root cause (counted
twice, as they say most about it), component, fault type and text.

A caller may rely on: ``search`` returns at most ``k`` hits with a score above zero, best
first (ties by case id), each with the query terms it matched, adjacent CJK bigrams joined back
into the phrase they came from; a library with no cases, or a query with no usable term, finds
nothing. Embeddings are not offered: no embedding model is available offline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import bm25s
from pydantic import BaseModel

from warroom.domain.evidence import EvidencePack
from warroom.domain.graph import GraphFragment, Node, NodeKind
from warroom.domain.incident import Incident, utcnow
from warroom.domain.verdict import Report

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECE = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[A-Za-z0-9]+(?:[._\-][A-Za-z0-9]+)*)")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_LONGEST_WORD = 64
_STOP = frozenset(
    ("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into",
     "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will",
     "with", "not", "no")
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Term:
    text: str
    run: int  # CJK run the bigram came from, -1 for Latin words
    pos: int  # position of the bigram within its run


def tokens(text: str) -> list[str]:
    """The search tokens of ``text`` (see the module docstring)."""
    return [t.text for t in _terms(text)]


def _terms(text: str) -> list[_Term]:
    out: list[_Term] = []
    for run, match in enumerate(_PIECE.finditer(text)):
        cjk = match.group("cjk")
        if cjk:
            if len(cjk) == 1:
                out.append(_Term(cjk, run, 0))
            else:
                out += [_Term(cjk[i : i + 2], run, i) for i in range(len(cjk) - 1)]
            continue
        word = match.group("word")
        if len(word) > _LONGEST_WORD:  # a hash or an encoded blob: one token, not split
            out.append(_Term(word.lower(), -1, 0))
            continue
        parts = [p for chunk in re.split(r"[._\-]", word) for p in _CAMEL.findall(chunk)]
        forms = [word.lower()] if len(parts) > 1 else []
        forms += [_fold(p.lower()) for p in parts]
        out += [_Term(f, -1, 0) for f in forms if f not in _STOP and (len(f) > 1 or f.isdigit())]
    return out


def _fold(word: str) -> str:
    """A light plural rule, the same for cases and queries."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class CaseHit(BaseModel):
    """One similar case: the case node, its BM25 score and the query terms it shares."""

    case: Node
    score: float
    matched: list[str]

    @property
    def case_id(self) -> str:
        return self.case.id

    def line(self) -> str:
        """One line a person can read: title, root cause and what matched."""
        attrs = self.case.attrs
        cause = str(attrs.get("root_cause") or "").split("\n", 1)[0]
        return f"{self.case.name}: {cause} (matched {', '.join(self.matched)})"


class CaseLibrary:
    """BM25 over case nodes; adding a case rebuilds the index (cases number in the thousands
    at most, and indexing a thousand takes milliseconds)."""

    def __init__(self, cases: Iterable[Node] = ()) -> None:
        self._cases: dict[str, Node] = {}
        self._docs: list[set[str]] = []
        self._order: list[Node] = []
        self._vocabulary: set[str] = set()
        self._index: bm25s.BM25 | None = None
        for case in cases:
            self._put(case)
        self._rebuild()

    @classmethod
    def from_fragment(cls, fragment: GraphFragment) -> CaseLibrary:
        return cls(n for n in fragment.nodes if n.kind == NodeKind.CASE)

    def __len__(self) -> int:
        return len(self._cases)

    @property
    def cases(self) -> list[Node]:
        return list(self._order)

    def add(self, *cases: Node) -> None:
        """Add or replace (same id) cases."""
        for case in cases:
            self._put(case)
        self._rebuild()

    def search(self, query: str, k: int = 5) -> list[CaseHit]:
        """The ``k`` cases most similar to ``query``; see the module docstring."""
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        if self._index is None:
            return []
        terms = _terms(query)
        known = [t.text for t in terms if t.text in self._vocabulary]
        if not known:
            return []
        scores = self._index.get_scores(known)
        ranked = sorted(
            (i for i in range(len(self._order)) if scores[i] > 0),
            key=lambda i: (-float(scores[i]), self._order[i].id),
        )
        return [
            CaseHit(
                case=self._order[i],
                score=round(float(scores[i]), 4),
                matched=_matched(terms, self._docs[i]),
            )
            for i in ranked[:k]
        ]

    def _put(self, case: Node) -> None:
        if case.kind != NodeKind.CASE:
            raise ValueError(
                f"the case library holds case nodes, not {case.kind.value} ({case.id})"
            )
        self._cases[case.id] = case

    def _rebuild(self) -> None:
        self._order = sorted(self._cases.values(), key=lambda n: n.id)
        corpus = [tokens(_document(case)) for case in self._order]
        self._docs = [set(doc) for doc in corpus]
        self._vocabulary = set().union(*self._docs)
        if not self._order:
            self._index = None
            return
        index = bm25s.BM25()
        index.index(corpus, show_progress=False)
        self._index = index


def _document(case: Node) -> str:
    attrs = case.attrs
    title = str(attrs.get("title") or case.name)
    cause = str(attrs.get("root_cause") or "")
    parts = [title, cause, title, cause]
    parts += [str(attrs.get(k) or "") for k in ("component", "fault_type")]
    parts.append(
        str(attrs.get("text") or "\n".join(str(attrs.get(k) or "") for k in ("summary", "fix")))
    )
    return "\n".join(parts)


def _matched(terms: list[_Term], doc: set[str]) -> list[str]:
    """Query terms found in ``doc``; overlapping CJK bigrams of one run joined into phrases."""
    out: list[str] = []
    last: _Term | None = None
    for term in terms:
        if term.text not in doc:
            last = None
            continue
        if last is not None and term.run >= 0 and term.run == last.run and term.pos == last.pos + 1:
            out[-1] += term.text[-1]
        else:
            out.append(term.text)
        last = term
    return list(dict.fromkeys(out))


def case_from_report(
    report: Report, *, confirmed_by: str, confirmed_at: datetime | None = None
) -> Node:
    """A verdict a person confirmed, as a case node keyed by the incident id (confirming the
    same incident again replaces the case)."""
    person = confirmed_by.strip()
    if not person:
        raise ValueError("confirmed_by must name the person who confirmed the verdict")
    incident, verdict = report.incident, report.verdict
    by_id = {e.id: e for e in report.evidence}
    chain = []
    for link in verdict.evidence_chain:
        cited = [by_id[i].summary for i in link.evidence_ids if i in by_id]
        chain.append("; ".join([link.statement, *cited]))
    summary = incident.description.strip() or verdict.impact_analysis.strip()
    text = "\n".join(
        part
        for part in (
            incident.title,
            incident.description,
            f"Root cause: {verdict.root_cause}",
            f"Component: {verdict.component}",
            f"Fault type: {verdict.fault_type.value}",
            *chain,
            f"Code location: {verdict.code_location}" if verdict.code_location else "",
            f"Fix: {verdict.fix_suggestion}",
            f"Impact: {verdict.impact_analysis}",
        )
        if part and part.strip()
    )
    attrs: dict[str, Any] = {
        "title": incident.title,
        "summary": summary,
        "root_cause": verdict.root_cause,
        "component": verdict.component,
        "fault_type": verdict.fault_type.value,
        "fix": verdict.fix_suggestion,
        "occurred_at": incident.alert_time.isoformat(),
        "text": text,
        "tags": [],
        "source": "verdict",
        "incident_id": incident.id,
        "run_id": report.run_id,
        "confidence": verdict.confidence,
        "responsible_team": verdict.responsible_team,
        "code_location": verdict.code_location,
        "risk_level": verdict.risk_level.value,
        "confirmed_by": person,
        "confirmed_at": (confirmed_at or utcnow()).isoformat(),
    }
    return Node(
        id=f"{NodeKind.CASE.value}:{incident.id}",
        kind=NodeKind.CASE,
        name=incident.title,
        attrs=attrs,
    )


def query_from_pack(
    pack: EvidencePack, incident: Incident | None = None, *, summaries: int = 5
) -> str:
    """A case-library query for an incident: its title and description, the top suspect and
    its fault type, and the summaries of the strongest evidence about that suspect (or of the
    strongest evidence overall when nothing is ranked)."""
    lines: list[str] = []
    if incident is not None:
        lines += [incident.title, incident.description[:500]]
    items = pack.items
    if pack.ranking:
        top = pack.ranking[0]
        lines.append(top.component)
        if top.fault_type and top.fault_type != "unknown":
            lines.append(top.fault_type.replace("_", " "))
        cited = set(top.evidence_ids)
        items = [e for e in pack.items if e.id in cited] or pack.about(top.component)
    strongest = sorted(items, key=lambda e: (-e.score, e.id))[: max(summaries, 0)]
    lines += [e.summary for e in strongest]
    return "\n".join(line.strip() for line in lines if line and line.strip())
