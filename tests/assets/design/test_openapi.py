from __future__ import annotations

import json
from pathlib import Path

from warroom.assets.design.openapi import parse_openapi, service_of
from warroom.domain.graph import EdgeKind, NodeKind, endpoint_key

DATA = Path(__file__).parent / "data"


def test_openapi_endpoints_have_the_ids_the_code_side_mapping_gets() -> None:
    parsed = parse_openapi((DATA / "order-api.yaml").read_text(), "order-api.yaml")

    assert parsed.errors == []
    ids = {n.id for n in parsed.fragment.nodes if n.kind == NodeKind.ENDPOINT}
    code_side = {
        f"endpoint:{endpoint_key('GET', '/api/orders/{orderId}')}",
        f"endpoint:{endpoint_key('post', '/api/orders/')}",
    }
    assert ids == code_side == {"endpoint:GET /api/orders/{}", "endpoint:POST /api/orders"}


def test_openapi_endpoint_keeps_operation_tags_and_schema_names() -> None:
    parsed = parse_openapi((DATA / "order-api.yaml").read_text(), "order-api.yaml")

    get = parsed.fragment.node("endpoint:GET /api/orders/{}")
    assert get is not None
    assert get.name == "GET /api/orders/{id}"
    assert get.attrs["operation_id"] == "getOrder"
    assert get.attrs["tags"] == ["orders"]
    assert get.attrs["path"] == "/api/orders/{id}"
    assert get.attrs["parameters"] == ["path:id"]
    # the 404 answer is a $ref to components/responses, followed to its schema
    assert get.attrs["response_schemas"] == ["Order", "Problem"]
    post = parsed.fragment.node("endpoint:POST /api/orders")
    assert post is not None
    assert post.attrs["request_schemas"] == ["CreateOrderRequest"]


def test_openapi_service_contains_its_endpoints() -> None:
    parsed = parse_openapi((DATA / "order-api.yaml").read_text(), "order-api.yaml")

    service = parsed.fragment.node("service:order-service")
    assert service is not None and service.attrs["api_version"] == "1.4.0"
    contained = {
        e.dst for e in parsed.fragment.edges if e.kind == EdgeKind.CONTAINS and e.src == service.id
    }
    assert contained == {"endpoint:GET /api/orders/{}", "endpoint:POST /api/orders"}


def test_swagger2_json_joins_base_path_and_takes_the_service_from_the_host() -> None:
    document = {
        "swagger": "2.0",
        "info": {"title": "whatever", "version": "1"},
        "host": "payment-service:8080",
        "basePath": "/api",
        "paths": {
            "/payments/{paymentId}": {
                "get": {"operationId": "getPayment", "responses": {"200": {"description": "ok"}}}
            },
            "/payments": {
                "post": {
                    "parameters": [
                        {"in": "body", "name": "body", "schema": {"$ref": "#/definitions/Pay"}}
                    ],
                    "responses": {
                        "200": {"schema": {"type": "array", "items": {"$ref": "#/definitions/P"}}}
                    },
                }
            },
        },
    }

    parsed = parse_openapi(json.dumps(document), "pay.json")

    assert parsed.errors == []
    ids = {n.id for n in parsed.fragment.nodes}
    assert ids == {
        "service:payment-service",
        "endpoint:GET /api/payments/{}",
        "endpoint:POST /api/payments",
    }
    post = parsed.fragment.node("endpoint:POST /api/payments")
    assert post is not None
    assert (post.attrs["request_schemas"], post.attrs["response_schemas"]) == (["Pay"], ["P"])


def test_server_url_path_and_variables_form_the_base_path() -> None:
    text = """
openapi: 3.1.0
info: {title: Inventory Service API, version: "2"}
servers:
  - url: https://{host}/{base}
    variables:
      host: {default: api.example.com}
      base: {default: v2}
paths:
  /stock/{sku}:
    get: {responses: {"200": {description: ok}}}
"""
    parsed = parse_openapi(text, "inv.yaml")

    assert {n.id for n in parsed.fragment.nodes} == {
        "service:inventory-service",
        "endpoint:GET /v2/stock/{}",
    }


def test_service_comes_from_x_service_then_host_then_title() -> None:
    assert service_of({"info": {"title": "A", "x-service": "b-svc"}}) == "b-svc"
    assert service_of({"servers": [{"url": "http://cart.shop.svc.cluster.local"}]}) == "cart"
    assert service_of({"servers": [{"url": "http://127.0.0.1:80"}], "info": {"title": "x"}}) == "x"
    assert service_of({"servers": [{"url": "https://api.example.com"}]}) is None
    assert service_of({"info": {"title": "UserProfile API"}}) == "user-profile"


def test_a_document_without_paths_is_an_error() -> None:
    parsed = parse_openapi("openapi: 3.0.0\ninfo: {title: x}\n", "x.yaml")

    assert parsed.fragment.nodes == []
    assert len(parsed.errors) == 1
    assert "paths" in parsed.errors[0].message()


def test_invalid_yaml_is_an_error_with_its_line() -> None:
    parsed = parse_openapi("openapi: 3.0.0\npaths:\n  /a: [unclosed\n", "bad.yaml")

    assert len(parsed.errors) == 1
    assert parsed.errors[0].expected == "valid YAML"
    assert parsed.errors[0].line is not None and parsed.errors[0].line >= 3


def test_a_broken_operation_is_reported_and_the_others_load() -> None:
    text = """
openapi: 3.0.0
info: {title: t}
x-service: s
paths:
  /a:
    get: not-a-mapping
    post: {responses: {}}
"""
    parsed = parse_openapi(text, "a.yaml")

    assert [n.id for n in parsed.fragment.nodes if n.kind == NodeKind.ENDPOINT] == [
        "endpoint:POST /a"
    ]
    assert len(parsed.errors) == 1 and "paths./a.get" in parsed.errors[0].expected
