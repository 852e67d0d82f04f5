"""Metric evidence: robust baselines, anomalies and change points of numeric series."""

from warroom.evidence.metrics.anomaly import metric_evidence, metric_slug
from warroom.evidence.metrics.category import MetricKind, classify

__all__ = ["MetricKind", "classify", "metric_evidence", "metric_slug"]
