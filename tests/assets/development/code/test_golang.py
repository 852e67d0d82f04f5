"""Go parser: types, methods, handlers of net/http, gorilla/mux, gin/echo and chi."""

from __future__ import annotations

from warroom.assets.development.code import parse_source

_SOURCE = b"""package orders

import (
	"net/http"

	chi "github.com/go-chi/chi/v5"
	"github.com/gorilla/mux"
	"example.com/shop/store"
)

type Handler struct {
	store *store.Orders
	cache map[string]*Order
}

type Order struct{ ID string }

type OrderStore interface{ All() []Order }

func (Order) TableName() string { return "shop_orders" }

func (h *Handler) List(w http.ResponseWriter, r *http.Request) {
	h.store.All()
}

func health(w http.ResponseWriter, r *http.Request) {}

func Routes(r *mux.Router, g *gin.Engine, c chi.Router) {
	http.HandleFunc("GET /orders/{id}", h.List)
	http.HandleFunc("/health", health)
	r.HandleFunc(`/x`, health).Methods("GET", "POST")
	api := r.PathPrefix("/api").Subrouter()
	api.HandleFunc("/orders", h.List).Methods("GET")
	v1 := g.Group("/v1")
	v1.POST("/orders", h.List)
	c.Route("/chi", func(r chi.Router) {
		r.Get("/orders/{id}", h.List)
	})
}
"""


def test_types_methods_and_fields() -> None:
    f = parse_source("orders/handler.go", _SOURCE)
    assert f.module == "orders"
    assert f.imports["chi"] == "github.com/go-chi/chi/v5"
    assert f.imports["store"] == "example.com/shop/store"
    types = {t.key: t for t in f.types}
    assert types["orders.OrderStore"].role == "repository"  # by its name's suffix
    assert types["orders.OrderStore"].kind == "interface"
    assert {fd.name: fd.types for fd in types["orders.Handler"].fields} == {
        "store": ["store.Orders"],
        "cache": ["Order"],
    }
    assert types["orders.Order"].table == "shop_orders"
    keys = [fn.key for fn in f.functions]
    assert "orders.Handler#List" in keys and "orders#health" in keys
    assert "orders.Order#TableName" in keys
    listing = next(fn for fn in f.functions if fn.key == "orders.Handler#List")
    assert listing.calls == [("store", "All")]


def test_handler_registrations_with_methods_and_prefixes() -> None:
    f = parse_source("orders/handler.go", _SOURCE)
    assert [(r.method, r.path, r.handler) for r in f.routes] == [
        ("GET", "/orders/{id}", "h.List"),
        ("ANY", "/health", "health"),
        ("GET", "/x", "health"),
        ("POST", "/x", "health"),
        ("GET", "/api/orders", "h.List"),
        ("POST", "/v1/orders", "h.List"),
        ("GET", "/chi/orders/{id}", "h.List"),
    ]
