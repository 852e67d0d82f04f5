"""Which known components an error line names."""

from __future__ import annotations

from warroom.evidence.logs.naming import EntityNames


def test_whole_names_only_and_never_the_speaker() -> None:
    names = EntityNames(["order-service", "order-other-service", "db", "api"])
    line = "No instances available for order-other-service; db timeout; api_client failed"
    assert names.named(line, own="api") == ["order-other-service", "db"]
    # a host name built on the component's name names it
    assert names.named("call to order-service.internal failed") == ["order-service"]
    assert names.named("GET /v1/order-service-v2/items failed") == []
    assert names.named("x-order-service refused") == []
    assert names.named("refused by order-service: 503") == ["order-service"]


def test_no_known_names_match_nothing() -> None:
    assert EntityNames([]).named("anything at all") == []
