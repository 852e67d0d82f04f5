"""Code graph across files: routers mounted elsewhere, Django url trees, Go handlers,
aggregate roots, tables reached through repositories."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.assets.repos import Author, GitWriter
from warroom.assets.development import RepoIndex, index_repository
from warroom.domain.graph import EdgeKind, NodeKind

WHO = Author("Dev", "dev@example.com")
WHEN = datetime(2024, 2, 1, tzinfo=UTC)


def index_of(tmp_path: Path, files: dict[str, str]) -> RepoIndex:
    git = GitWriter(tmp_path / "repo")
    git.commit(files, WHO, WHEN, "code")
    return index_repository(git.path)


def handles(index: RepoIndex) -> set[tuple[str, str]]:
    return {(e.src, e.dst) for e in index.fragment.edges if e.kind is EdgeKind.HANDLES}


def endpoints(index: RepoIndex) -> set[str]:
    return {n.id for n in index.fragment.nodes if n.kind is NodeKind.ENDPOINT}


def test_django_url_tree_views_and_default_tables(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/urls.py": "from django.urls import include, path\n\nurlpatterns = [\n"
            '    path("api/", include("orders.urls")),\n]\n',
            "orders/__init__.py": "",
            "orders/urls.py": "from django.urls import path\nfrom . import views\n\n"
            "urlpatterns = [\n"
            '    path("orders/<int:pk>/", views.detail),\n'
            '    path("carts/", views.CartView.as_view()),\n'
            "]\n",
            "orders/views.py": "from django.views import View\n\n\n"
            '@require_http_methods(["GET", "PUT"])\ndef detail(request, pk):\n    pass\n\n\n'
            "class CartView(View):\n    def get(self, request):\n        pass\n\n"
            "    def post(self, request):\n        pass\n",
            "orders/models.py": "from django.db import models\n\n\n"
            "class Order(models.Model):\n    total = models.IntegerField()\n\n\n"
            "class Legacy(models.Model):\n    class Meta:\n        db_table = 'old_orders'\n",
            "orders/tests/test_urls.py": "def test_x():\n    pass\n",
        },
    )
    assert endpoints(index) == {
        "endpoint:GET /api/orders/{}",
        "endpoint:PUT /api/orders/{}",
        "endpoint:GET /api/carts",
        "endpoint:POST /api/carts",
    }
    assert ("method:orders.views#detail", "endpoint:PUT /api/orders/{}") in handles(index)
    assert ("method:orders.views.CartView#post", "endpoint:POST /api/carts") in handles(index)
    tables = {n.id for n in index.fragment.nodes if n.kind is NodeKind.TABLE}
    assert tables == {"table:orders_order", "table:old_orders"}


def test_fastapi_router_mounted_from_another_module_takes_both_prefixes(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "svc/__init__.py": "",
            "svc/api/__init__.py": "",
            "svc/api/users.py": "from fastapi import APIRouter\n"
            'router = APIRouter(prefix="/users")\n\n'
            '@router.get("/{user_id}")\ndef one(user_id: int):\n    pass\n',
            "svc/api/v1.py": "from fastapi import APIRouter\n"
            "from svc.api.users import router as users_router\n"
            'api = APIRouter(prefix="/v1")\n'
            "api.include_router(users_router)\n",
            "svc/main.py": "from fastapi import FastAPI\nfrom svc.api import v1\n"
            "app = FastAPI()\n"
            'app.include_router(v1.api, prefix="/api")\n',
        },
    )
    assert endpoints(index) == {"endpoint:GET /api/v1/users/{}"}


def test_flask_blueprint_registered_in_an_app_factory(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "web/__init__.py": "from flask import Flask\nfrom web.orders import bp\n\n\n"
            "def create_app():\n    app = Flask(__name__)\n"
            '    app.register_blueprint(bp, url_prefix="/shop")\n    return app\n',
            "web/orders.py": "from flask import Blueprint\n"
            'bp = Blueprint("orders", __name__, url_prefix="/orders")\n\n\n'
            '@bp.route("/<int:oid>", methods=["DELETE"])\ndef drop(oid):\n    pass\n',
        },
    )
    assert endpoints(index) == {"endpoint:DELETE /shop/orders/{}"}
    assert ("method:web.orders#drop", "endpoint:DELETE /shop/orders/{}") in handles(index)


def test_go_handlers_resolve_to_functions_and_methods(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "go.mod": "module example.com/orders\n",
            "types.go": "package main\n\ntype Handler struct{ store *OrderStore }\n",
            "server.go": 'package main\n\nimport "net/http"\n\n'
            "func (h *Handler) Show(w http.ResponseWriter, r *http.Request) {\n"
            '\th.store.FindOrder(r.PathValue("id"))\n}\n\n'
            "func health(w http.ResponseWriter, r *http.Request) {}\n\n"
            "func main() {\n\th := &Handler{}\n"
            '\thttp.HandleFunc("GET /orders/{id}", h.Show)\n'
            '\thttp.HandleFunc("/healthz", health)\n}\n',
            "store.go": "package main\n\ntype Order struct{ ID string }\n\n"
            'func (Order) TableName() string { return "orders" }\n\n'
            "type OrderStore struct{}\n\n"
            "func (s *OrderStore) FindOrder(id string) *Order {\n"
            "\tvar o Order\n\treturn &o\n}\n",
        },
    )
    assert ("method:main.Handler#Show", "endpoint:GET /orders/{}") in handles(index)
    assert ("method:main#health", "endpoint:ANY /healthz") in handles(index)
    assert index.code.method_tables["main.OrderStore#FindOrder"] == ["table:orders"]
    # Show reaches the table through its store field (declared in another file), whose type
    # manages Order.
    assert index.code.method_tables["main.Handler#Show"] == ["table:orders"]
    assert {n.id for n in index.fragment.nodes if n.kind is NodeKind.SERVICE} == {"service:orders"}


def test_aggregate_roots_are_managed_or_unreferenced_entities(tmp_path: Path) -> None:
    java = "package d;\nimport jakarta.persistence.*;\nimport java.util.List;\n"
    index = index_of(
        tmp_path,
        {
            "d/Customer.java": java + "@Entity public class Customer {\n"
            "  @OneToMany List<Address> addresses;\n}\n",
            "d/Address.java": java + "@Entity public class Address {}\n",
            "d/Invoice.java": java + "@Entity public class Invoice {\n"
            "  @ManyToOne Customer customer;\n}\n",
            "d/Audit.java": java + "@Entity public class Audit {}\n",
            "d/CustomerRepository.java": "package d;\n"
            "public interface CustomerRepository extends JpaRepository<Customer, Long> {}\n",
        },
    )
    aggregates = {n.id for n in index.fragment.nodes if n.kind is NodeKind.AGGREGATE}
    # Customer: has a repository (though Invoice refers to it). Invoice, Audit: nobody refers
    # to them. Address: no repository and Customer refers to it, so it is a member.
    assert aggregates == {"aggregate:Customer", "aggregate:Invoice", "aggregate:Audit"}
    contains = {(e.src, e.dst) for e in index.fragment.edges if e.kind is EdgeKind.CONTAINS}
    assert ("aggregate:Customer", "entity:Address") in contains
    assert ("aggregate:Invoice", "entity:Customer") not in contains
    assert index.code.table_aggregates["table:address"] == ["aggregate:Customer"]
