"""OpenAPI 3.x and Swagger 2.0 documents (JSON or YAML) → service and endpoint nodes.

Each operation becomes an ``endpoint`` node keyed by ``endpoint_key(method, base + path)``, so
``GET /api/orders/{id}`` in the spec and ``@GetMapping("/api/orders/{orderId}")`` in the code
are one node. The base path is Swagger's ``basePath`` or the path part of the first OpenAPI
server URL (server variables take their defaults), since code-side mappings usually spell the
full path.

Attributes of an endpoint: ``http_method``, ``path`` (full path as written), ``operation_id``,
``summary``, ``tags``, ``parameters`` (``"<in>:<name>"``), ``request_schemas`` and
``response_schemas`` (names of referenced component schemas; whether a schema is also an
aggregate or entity is for fusion to decide), ``deprecated``, ``service``, ``source``.

The service, first match wins: the caller's ``service``; ``x-service`` at the top level or in
``info``; the host of the first server URL (Swagger: ``host``) when it is a single DNS label
such as ``order-service:8080``, or a Kubernetes service name ``order-service.shop.svc...``;
``info.title`` in lower case with words joined by ``-`` and a trailing ``api`` dropped
(``Order Service API`` → ``order-service``). With none of these, endpoints have no service.
The service ``contains`` each endpoint.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import yaml

from warroom.assets.design.parsed import DesignError, DesignKind, Parsed
from warroom.domain.graph import (
    Edge,
    EdgeKind,
    GraphFragment,
    Node,
    NodeKind,
    endpoint_key,
    node_id,
)

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SCHEMA_DEPTH = 8


def parse_openapi(text: str, source: str, *, service: str | None = None) -> Parsed:
    """Endpoints of the OpenAPI or Swagger document in ``text`` (JSON or YAML)."""
    document, error = load_structured(text, source)
    if error is not None:
        return Parsed(kind=DesignKind.OPENAPI, errors=[error])
    return read_openapi(document, source, service=service)


def load_structured(text: str, source: str) -> tuple[Any, DesignError | None]:
    """``text`` as JSON (when it starts with ``{`` or ``[``) or YAML (``safe_load``)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped), None
        except json.JSONDecodeError as exc:
            return None, DesignError(
                path=source, line=exc.lineno, expected="valid JSON", found=exc.msg
            )
    try:
        return yaml.safe_load(stripped), None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        return None, DesignError(
            path=source, line=line, expected="valid YAML", found=str(exc.problem or exc)
        )
    except yaml.YAMLError as exc:
        return None, DesignError(path=source, expected="valid YAML", found=str(exc))


def read_openapi(document: Any, source: str, *, service: str | None = None) -> Parsed:
    """Endpoints of an already loaded OpenAPI 3.x / Swagger 2.0 document."""
    out = Parsed(kind=DesignKind.OPENAPI)
    expected = "an OpenAPI 3.x or Swagger 2.0 document with a `paths` mapping"
    if not isinstance(document, Mapping):
        out.errors.append(DesignError(path=source, expected=expected, found=_shape(document)))
        return out
    version = str(document.get("openapi") or document.get("swagger") or "")
    if not (version.startswith("3.") or version.startswith("2.")):
        found = f"version {version!r}" if version else "no `openapi` or `swagger` field"
        out.errors.append(DesignError(path=source, expected=expected, found=found))
        return out
    paths = document.get("paths")
    if not isinstance(paths, Mapping):
        out.errors.append(
            DesignError(path=source, expected=expected, found=f"`paths` is {_shape(paths)}")
        )
        return out
    swagger2 = version.startswith("2.")
    base = _base_path(document, swagger2)
    name = service or service_of(document)
    nodes: list[Node] = []
    edges: list[Edge] = []
    if name:
        raw_info = document.get("info")
        info: Mapping[str, Any] = raw_info if isinstance(raw_info, Mapping) else {}
        nodes.append(
            Node.make(
                NodeKind.SERVICE,
                name,
                source=source,
                api_title=str(info.get("title", "")),
                api_version=str(info.get("version", "")),
            )
        )
    for raw_path, item in paths.items():
        item = _resolve(document, item)
        if not isinstance(item, Mapping):
            out.errors.append(
                DesignError(
                    path=source,
                    expected=f"a path item mapping under `paths.{raw_path}`",
                    found=_shape(item),
                )
            )
            continue
        shared = _parameters(document, item.get("parameters"))
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            if not isinstance(operation, Mapping):
                out.errors.append(
                    DesignError(
                        path=source,
                        expected=f"an operation mapping at `paths.{raw_path}.{method}`",
                        found=_shape(operation),
                    )
                )
                continue
            full = _join(base, str(raw_path))
            node = _endpoint(document, operation, method, full, shared, swagger2, name, source)
            nodes.append(node)
            if name:
                edges.append(
                    Edge(src=node_id(NodeKind.SERVICE, name), dst=node.id, kind=EdgeKind.CONTAINS)
                )
    out.fragment = GraphFragment().merge(GraphFragment(nodes=nodes, edges=edges))
    return out


def service_of(document: Mapping[str, Any]) -> str | None:
    """The service a document describes (see the module docstring for the order)."""
    info = document.get("info")
    for holder in (document, info if isinstance(info, Mapping) else {}):
        named = holder.get("x-service")
        if isinstance(named, str) and named.strip():
            return named.strip()
    host = _first_host(document)
    if host:
        return host
    title = info.get("title") if isinstance(info, Mapping) else None
    if isinstance(title, str):
        words = re.findall(r"[a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", title).lower())
        while words and words[-1] in ("api", "apis", "openapi", "swagger", "spec"):
            words.pop()
        if words:
            return "-".join(words)
    return None


def _endpoint(
    document: Mapping[str, Any],
    operation: Mapping[str, Any],
    method: str,
    full_path: str,
    shared: list[Mapping[str, Any]],
    swagger2: bool,
    service: str | None,
    source: str,
) -> Node:
    params = shared + _parameters(document, operation.get("parameters"))
    request: list[str] = []
    if swagger2:
        for p in params:
            if p.get("in") == "body":
                request += _schema_names(document, p.get("schema"), 0)
    else:
        body = _resolve(document, operation.get("requestBody"))
        if isinstance(body, Mapping):
            request += _content_schemas(document, body.get("content"))
    response: list[str] = []
    responses = operation.get("responses")
    if isinstance(responses, Mapping):
        for answer in responses.values():
            answer = _resolve(document, answer)
            if not isinstance(answer, Mapping):
                continue
            if swagger2:
                response += _schema_names(document, answer.get("schema"), 0)
            else:
                response += _content_schemas(document, answer.get("content"))
    tags = operation.get("tags")
    attrs: dict[str, Any] = {
        "http_method": method.upper(),
        "path": full_path,
        "operation_id": str(operation.get("operationId") or ""),
        "summary": str(operation.get("summary") or operation.get("description") or "").strip(),
        "tags": [str(t) for t in tags] if isinstance(tags, list) else [],
        "parameters": [
            f"{p.get('in', '')}:{p.get('name', '')}" for p in params if p.get("in") != "body"
        ],
        "request_schemas": list(dict.fromkeys(request)),
        "response_schemas": list(dict.fromkeys(response)),
        "deprecated": bool(operation.get("deprecated", False)),
        "source": source,
    }
    if service:
        attrs["service"] = service
    key = endpoint_key(method, full_path)
    return Node.make(NodeKind.ENDPOINT, key, f"{method.upper()} {full_path}", **attrs)


def _parameters(document: Mapping[str, Any], raw: Any) -> list[Mapping[str, Any]]:
    if not isinstance(raw, list):
        return []
    resolved = (_resolve(document, p) for p in raw)
    return [p for p in resolved if isinstance(p, Mapping)]


def _content_schemas(document: Mapping[str, Any], content: Any) -> list[str]:
    if not isinstance(content, Mapping):
        return []
    names: list[str] = []
    for media in content.values():
        if isinstance(media, Mapping):
            names += _schema_names(document, media.get("schema"), 0)
    return names


def _schema_names(document: Mapping[str, Any], schema: Any, depth: int) -> list[str]:
    """Names of component schemas a schema refers to, through arrays and compositions only."""
    if not isinstance(schema, Mapping) or depth > _SCHEMA_DEPTH:
        return []
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return [ref.rsplit("/", 1)[-1]]
    names: list[str] = []
    for key in ("items", "additionalProperties"):
        names += _schema_names(document, schema.get(key), depth + 1)
    for key in ("allOf", "oneOf", "anyOf"):
        parts = schema.get(key)
        if isinstance(parts, list):
            for part in parts:
                names += _schema_names(document, part, depth + 1)
    return names


def _resolve(document: Mapping[str, Any], node: Any) -> Any:
    """Follow local ``$ref``s (``#/components/...``) a few levels; other refs stay as they are."""
    for _ in range(5):
        if not isinstance(node, Mapping):
            return node
        ref = node.get("$ref")
        if not (isinstance(ref, str) and ref.startswith("#/")):
            return node
        target: Any = document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, Mapping) else None
        if target is None:
            return node
        node = target
    return node


def _servers(document: Mapping[str, Any]) -> Iterator[str]:
    servers = document.get("servers")
    if not isinstance(servers, list):
        return
    for server in servers:
        if not isinstance(server, Mapping) or not isinstance(server.get("url"), str):
            continue
        url = str(server["url"])
        variables = server.get("variables")
        if isinstance(variables, Mapping):
            for var, spec in variables.items():
                if isinstance(spec, Mapping) and "default" in spec:
                    url = url.replace("{" + str(var) + "}", str(spec["default"]))
        yield url


def _base_path(document: Mapping[str, Any], swagger2: bool) -> str:
    if swagger2:
        base = document.get("basePath")
        return base if isinstance(base, str) else ""
    for url in _servers(document):
        return urlsplit(url).path if "//" in url else url.split("?", 1)[0]
    return ""


def _first_host(document: Mapping[str, Any]) -> str | None:
    host: str | None = None
    if isinstance(document.get("host"), str):
        host = str(document["host"])
    else:
        for url in _servers(document):
            host = urlsplit(url).netloc if "//" in url else None
            break
    if not host or "{" in host:
        return None
    name = host.rsplit("@", 1)[-1].split(":", 1)[0].lower()
    if not name or name == "localhost" or _is_ip(name):
        return None
    labels = name.split(".")
    if len(labels) == 1 or "svc" in labels[1:]:
        return labels[0]
    return None


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def _join(base: str, path: str) -> str:
    base = base.rstrip("/")
    if not path.startswith("/"):
        path = "/" + path
    return (base + path) if base else path


def _shape(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__} ({str(value)[:40]!r})"
