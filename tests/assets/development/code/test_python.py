"""Python parser: imports, classes and functions, routes of FastAPI/Flask/Django, models."""

from __future__ import annotations

import pytest

from warroom.assets.development.code import SourceError, parse_source

_FASTAPI = b"""from fastapi import APIRouter
from ..models import Item as ItemModel
import app.db as db

router = APIRouter(prefix="/items", tags=["items"])


class ItemService:
    def __init__(self, repo: "ItemRepository", session: db.Session | None = None) -> None:
        self.store = repo

    def get(self, item_id: int) -> ItemModel:
        return self.store.get(item_id)


@router.get("/{item_id}")
async def read_item(item_id: int) -> dict:
    return {}


@router.api_route("/x", methods=["GET", "POST"])
def both() -> None:
    pass


@router.get("relative")
def not_a_route() -> None:
    pass
"""


def test_imports_resolve_relative_modules_and_aliases() -> None:
    f = parse_source("app/routers/items.py", _FASTAPI, "app.routers.items")
    assert f.imports["APIRouter"] == "fastapi.APIRouter"
    assert f.imports["ItemModel"] == "app.models.Item"
    assert f.imports["db"] == "app.db"


def test_fastapi_routes_routers_and_constructor_fields() -> None:
    f = parse_source("app/routers/items.py", _FASTAPI, "app.routers.items")
    assert f.routers == {"router": "/items"}
    routes = {fn.key: [(r.method, r.path, r.router) for r in fn.routes] for fn in f.functions}
    assert routes["app.routers.items#read_item"] == [("GET", "/{item_id}", "router")]
    assert routes["app.routers.items#both"] == [("GET", "/x", "router"), ("POST", "/x", "router")]
    assert routes["app.routers.items#not_a_route"] == []
    service = f.types[0]
    assert service.key == "app.routers.items.ItemService"
    assert service.role == "service"
    fields = {fd.name: fd.types for fd in service.fields}
    assert fields["store"] == ["ItemRepository"]  # self.store = repo keeps repo's type
    assert "db" in fields["session"] and "Session" in fields["session"]
    get = next(fn for fn in f.functions if fn.name == "get")
    assert get.owner == "app.routers.items.ItemService"
    assert get.calls == [("store", "get")]


def test_flask_blueprint_routes_and_mounts() -> None:
    source = b"""from flask import Blueprint, Flask

bp = Blueprint("orders", __name__, url_prefix="/orders")


@bp.route("/<int:order_id>", methods=["GET", "DELETE"])
def order(order_id):
    return ""


@bp.route("/")
def orders():
    return ""


def create_app():
    app = Flask(__name__)
    app.register_blueprint(bp, url_prefix="/api")
    return app
"""
    f = parse_source("shop/orders.py", source, "shop.orders")
    assert f.routers == {"bp": "/orders"}
    routes = {fn.name: [(r.method, r.path) for r in fn.routes] for fn in f.functions}
    assert routes["order"] == [("GET", "/<int:order_id>"), ("DELETE", "/<int:order_id>")]
    assert routes["orders"] == [("GET", "/")]
    assert [(m.parent, m.child, m.prefix) for m in f.mounts] == [("app", "bp", "/api")]


def test_sqlalchemy_flask_sqlmodel_and_django_models() -> None:
    source = b"""class Item(Base):
    __tablename__ = "items"


class Legacy(Base):
    __table__ = Table("legacy_items", metadata)


class OrderLine(db.Model):
    id = db.Column(db.Integer)


class Hero(SQLModel, table=True):
    id: int


class Customer(models.Model):
    class Meta:
        db_table = "crm_customer"


class Base(models.Model):
    class Meta:
        abstract = True


class Plain:
    pass
"""
    f = parse_source("shop/models.py", source, "shop.models")
    types = {t.name: t for t in f.types}
    assert types["Item"].table == "items"
    assert types["Legacy"].table == "legacy_items"
    assert types["OrderLine"].table == "order_line"
    assert types["Hero"].table == "hero"
    assert types["Customer"].table == "crm_customer" and types["Customer"].is_entity
    assert types["Base"].abstract
    assert not types["Plain"].is_entity
    assert types["Item"].role == "model"


def test_django_urlpatterns_and_view_decorators() -> None:
    urls = b"""from django.urls import include, path, re_path
from . import views

urlpatterns = [
    path("orders/<int:pk>/", views.order_detail, name="detail"),
    path("carts/", views.CartView.as_view()),
    re_path(r"^legacy/(?P<code>[a-z]+)/$", views.legacy),
    path("api/", include("shop.api.urls")),
]
"""
    f = parse_source("shop/urls.py", urls, "shop.urls")
    assert f.imports["views"] == "shop.views"
    assert [(r.path, r.handler) for r in f.routes] == [
        ("orders/<int:pk>/", "views.order_detail"),
        ("carts/", "views.CartView"),
        ("legacy/<code>/", "views.legacy"),
    ]
    assert [(m.child, m.prefix) for m in f.mounts] == [("shop.api.urls", "api/")]
    views = b"""@require_http_methods(["GET", "POST"])
def order_detail(request, pk):
    pass


@require_POST
def legacy(request, code):
    pass
"""
    v = parse_source("shop/views.py", views, "shop.views")
    assert {fn.name: fn.http_methods for fn in v.functions} == {
        "order_detail": ["GET", "POST"],
        "legacy": ["POST"],
    }


def test_syntax_error_is_reported() -> None:
    with pytest.raises(SourceError, match="syntax error"):
        parse_source("bad.py", b"def f(:\n    pass\n", "bad")


def test_undecodable_file_is_reported() -> None:
    with pytest.raises(SourceError, match="not UTF-8"):
        parse_source("latin.py", b"x = '\xe9'\n", "latin")
