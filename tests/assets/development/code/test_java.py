"""Java parser: types, members, Spring and JAX-RS routes, JPA tables, injection."""

from __future__ import annotations

import pytest

from warroom.assets.development.code import SourceError, parse_source

_CONTROLLER = b"""package com.x.web;

import com.x.service.OrderService;
import com.x.domain.*;

@RestController
@RequestMapping({"/api/orders", "/v2/" + "orders"})
@RequiredArgsConstructor
public class OrderController {
    private static final int LIMIT = 10;
    private final OrderService orderService;
    @Autowired private Clock clock;
    private String note;

    @GetMapping(value = "/{id}", produces = "application/json")
    public Order get(@PathVariable Long id) {
        return orderService.find(id);
    }

    @RequestMapping(path = "/x", method = {RequestMethod.POST, RequestMethod.PUT})
    void change() {}

    @PostMapping
    public Order create(@RequestBody Order o) {
        return this.orderService.place(o);
    }

    static class Helper {
        void help() {}
    }
}
"""


def test_controller_routes_roles_and_injected_fields() -> None:
    f = parse_source("OrderController.java", _CONTROLLER)
    assert f.module == "com.x.web"
    assert f.imports == {"OrderService": "com.x.service.OrderService"}
    assert f.wildcard_imports == ["com.x.domain"]
    controller = f.types[0]
    assert controller.key == "com.x.web.OrderController"
    assert controller.role == "controller"
    assert [r.path for r in controller.routes] == ["/api/orders", "/v2/orders"]
    fields = {fd.name: fd for fd in controller.fields}
    assert "LIMIT" not in fields
    assert fields["orderService"].injected and fields["clock"].injected
    assert not fields["note"].injected
    fns = {fn.key: fn for fn in f.functions}
    get = fns["com.x.web.OrderController#get"]
    assert (get.start_line, get.end_line) == (15, 18)
    assert [(r.method, r.path) for r in get.routes] == [("GET", "/{id}")]
    assert get.calls == [("orderService", "find")]
    change = fns["com.x.web.OrderController#change"]
    assert [(r.method, r.path) for r in change.routes] == [("POST", "/x"), ("PUT", "/x")]
    create = fns["com.x.web.OrderController#create"]
    assert [(r.method, r.path) for r in create.routes] == [("POST", "")]
    assert create.calls == [("orderService", "place")]
    assert "com.x.web.OrderController.Helper#help" in fns
    assert [t.key for t in f.types] == [
        "com.x.web.OrderController",
        "com.x.web.OrderController.Helper",
    ]


def test_entity_tables_and_repository_type_arguments() -> None:
    source = b"""package com.x.domain;
@Entity
@Table(name = "ORDERS", schema = "shop")
public class Order {
    @OneToMany private List<OrderLine> lines;
}
@Entity
class OrderLine {}
@Entity(name = "legacy_item")
class Item {}
interface OrderRepository extends JpaRepository<Order, Long> {}
"""
    f = parse_source("Order.java", source)
    types = {t.name: t for t in f.types}
    assert types["Order"].is_entity and types["Order"].table == "orders"
    assert types["OrderLine"].table == "order_line"
    assert types["Item"].table == "legacy_item"
    assert types["Order"].fields[0].types == ["List", "OrderLine"]
    repo = types["OrderRepository"]
    assert repo.role == "repository"
    assert repo.base_args == {"JpaRepository": ["Order", "Long"]}


def test_constructor_parameters_are_injected_collaborators_and_named_init() -> None:
    source = b"""package p;
public class Plain {
    private final Repo repo;
    public Plain(Repo repo, Clock clock) { this.repo = repo; }
}
"""
    f = parse_source("Plain.java", source)
    fields = {fd.name: fd for fd in f.types[0].fields}
    assert fields["repo"].injected and fields["clock"].injected
    assert [fn.key for fn in f.functions] == ["p.Plain#<init>"]


def test_jaxrs_resource_methods() -> None:
    source = b"""package p;
@Path("/items")
public class ItemResource {
    @GET @Path("/{id}") public Item one() { return null; }
    @POST public Item add() { return null; }
}
"""
    f = parse_source("ItemResource.java", source)
    assert f.types[0].role == "controller"
    routes = {fn.name: [(r.method, r.path) for r in fn.routes] for fn in f.functions}
    assert routes == {"one": [("GET", "/{id}")], "add": [("POST", "")]}


def test_syntax_error_names_its_line() -> None:
    with pytest.raises(SourceError, match="line 3"):
        parse_source("Broken.java", b"package p;\nclass A {\n  void f( {\n}\n")
