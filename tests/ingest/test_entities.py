from __future__ import annotations

import pytest

from warroom.ingest import service_of


@pytest.mark.parametrize(
    ("name", "service"),
    [
        ("ts-basic-service-5dc8d4f9fd-llznp", "ts-basic-service"),
        ("checkout-6f6cfc45b-d9pnv", "checkout"),
        ("redis-0", "redis"),
        ("kafka-12", "kafka"),
        ("node-exporter-x7k2p", "node-exporter"),
        ("backup-28391040-zq2xk", "backup"),
        ("payment-service", "payment-service"),
        ("order-proxy", "order-proxy"),
        ("Frontend", "Frontend"),
        ("web-v2", "web-v2"),
    ],
)
def test_service_of_folds_generated_pod_suffixes_only(name: str, service: str) -> None:
    assert service_of(name) == service
