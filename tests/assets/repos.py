"""Sample git repositories built in a temp folder, with a known bug, for asset tests.

``build_java_repo(tmp)`` is a Spring-style order service (entity, repository, service,
controller, CODEOWNERS) whose last-but-one commit introduces a null dereference;
``build_python_repo(tmp)`` a FastAPI + SQLAlchemy inventory service likewise. Each returns a
``SampleRepo`` that says where the bug is (file, line, method, commit), who owns it, and the
stack trace and log lines the failure prints. ``GitWriter`` commits arbitrary files with a fixed
author and date, for tests that need a repository of their own.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path


@dataclass(frozen=True)
class Author:
    name: str
    email: str


class GitWriter:
    """Commits files into a fresh repository with fixed authors and dates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self._git("init", "-q", "-b", "main")
        self.commits: list[str] = []
        self.dates: list[datetime] = []

    def _git(self, *args: str, env: dict[str, str] | None = None) -> str:
        base = {
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.path),
        }
        done = subprocess.run(
            ["git", "-C", str(self.path), "-c", "commit.gpgsign=false", *args],
            capture_output=True,
            text=True,
            check=True,
            env={**base, **(env or {})},
        )
        return done.stdout.strip()

    def commit(
        self,
        files: dict[str, str | None],
        author: Author,
        when: datetime,
        message: str,
    ) -> str:
        """Writes (or, for None, deletes) the files and commits them; returns the sha."""
        for rel, text in files.items():
            target = self.path / rel
            if text is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        self._git("add", "-A")
        stamp = when.isoformat()
        env = {
            "GIT_AUTHOR_NAME": author.name,
            "GIT_AUTHOR_EMAIL": author.email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": author.name,
            "GIT_COMMITTER_EMAIL": author.email,
            "GIT_COMMITTER_DATE": stamp,
        }
        self._git("commit", "-q", "-m", message, env=env)
        sha = self._git("rev-parse", "HEAD")
        self.commits.append(sha)
        self.dates.append(when)
        return sha


@dataclass(frozen=True)
class SampleRepo:
    """A built repository and the facts about its bug that a test checks against.

    ``bug_method``, ``bug_class``, ``team``, ``endpoint``, ``table`` and ``aggregate`` are
    graph node ids; ``commits`` and ``dates`` run oldest first.
    """

    path: Path
    service: str
    commits: list[str]
    dates: list[datetime]
    bug_commit: str
    bug_file: str
    bug_line: int
    bug_method: str
    bug_class: str
    team: str
    endpoint: str
    table: str
    aggregate: str | None
    stack_trace: str
    log_lines: list[str]
    authors: dict[str, Author] = field(default_factory=dict)

    @property
    def team_name(self) -> str:
        return self.team.removeprefix("team:")


def _day(day: int, hour: int = 10) -> datetime:
    return datetime(2024, 3, day, hour, 0, tzinfo=UTC)


def _line_of(text: str, marker: str) -> int:
    lines = text.splitlines()
    return next(i for i, line in enumerate(lines, start=1) if marker in line)


# --- Java -------------------------------------------------------------------------------------

_POM = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>3.2.0</version>
  </parent>
  <groupId>com.shop</groupId>
  <artifactId>order-app</artifactId>
  <version>1.0.0</version>
</project>
"""

_APPLICATION_YML = """spring:
  application:
    name: ${APP_NAME:order-service}
  datasource:
    url: jdbc:postgresql://db:5432/orders
"""

_CODEOWNERS_JAVA = """# Default owners of everything
*                                  @shop/platform-team
/src/main/java/com/shop/order/     @shop/orders-team
/src/main/resources/               @shop/platform-team @alice
docs/*                             carol@shop.example
"""

_ORDER = """package com.shop.order.domain;

import jakarta.persistence.*;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

@Entity
@Table(name = "orders")
public class Order {
    @Id
    @GeneratedValue
    private Long id;

    private String customerTier;

    private BigDecimal total = BigDecimal.ZERO;

    @OneToMany(mappedBy = "order", cascade = CascadeType.ALL, orphanRemoval = true)
    private List<OrderLine> lines = new ArrayList<>();

    public Long getId() { return id; }

    public String getCustomerTier() { return customerTier; }

    public BigDecimal getTotal() { return total; }

    public void setTotal(BigDecimal total) { this.total = total; }

    public List<OrderLine> getLines() { return lines; }
}
"""

_ORDER_LINE = """package com.shop.order.domain;

import jakarta.persistence.*;
import java.math.BigDecimal;

@Entity
public class OrderLine {
    @Id
    @GeneratedValue
    private Long id;

    @ManyToOne
    private Order order;

    private String sku;

    private int quantity;

    private BigDecimal price;

    public BigDecimal amount() { return price.multiply(BigDecimal.valueOf(quantity)); }
}
"""

_REPOSITORY = """package com.shop.order.repository;

import com.shop.order.domain.Order;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.stereotype.Repository;

@Repository
public interface OrderRepository extends JpaRepository<Order, Long> {
    List<Order> findByCustomerTier(String customerTier);
}
"""

_SERVICE_HEAD = """package com.shop.order.service;

import com.shop.order.domain.Order;
import com.shop.order.domain.OrderLine;
import com.shop.order.repository.OrderRepository;
import java.math.BigDecimal;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class OrderServiceImpl implements OrderService {
    private static final Logger log = LoggerFactory.getLogger(OrderServiceImpl.class);

    private final OrderRepository orderRepository;

    private final Map<String, BigDecimal> loyaltyRates;

    public OrderServiceImpl(OrderRepository orderRepository, Map<String, BigDecimal> loyaltyRates) {
        this.orderRepository = orderRepository;
        this.loyaltyRates = loyaltyRates;
    }

    @Override
    public Order findOrder(Long id) {
        return orderRepository.findById(id).orElseThrow();
    }

    @Override
    @Transactional
    public Order placeOrder(Order order) {
        BigDecimal total = BigDecimal.ZERO;
        for (OrderLine line : order.getLines()) {
            total = total.add(line.amount());
        }
"""

_SERVICE_V1_BODY = """        order.setTotal(total);
        log.info("placing order with {} lines", order.getLines().size());
        return orderRepository.save(order);
    }
}
"""

_SERVICE_V2_BODY = """        if (total.compareTo(BigDecimal.valueOf(100)) > 0) {
            total = total.multiply(BigDecimal.valueOf(0.95));
        }
        order.setTotal(total);
        log.info("placing order with {} lines", order.getLines().size());
        return orderRepository.save(order);
    }
}
"""

_SERVICE_V3_BODY = """        if (total.compareTo(BigDecimal.valueOf(100)) > 0) {
            total = total.multiply(BigDecimal.valueOf(0.95));
        }
        BigDecimal rate = loyaltyRates.get(order.getCustomerTier());
        total = total.subtract(total.multiply(rate)); // BUG: no rate for an unknown tier
        order.setTotal(total);
        log.info("placing order with {} lines", order.getLines().size());
        return orderRepository.save(order);
    }
}
"""

_SERVICE_INTERFACE = """package com.shop.order.service;

import com.shop.order.domain.Order;

public interface OrderService {
    Order findOrder(Long id);

    Order placeOrder(Order order);
}
"""

_CONTROLLER_V1 = """package com.shop.order.web;

import com.shop.order.domain.Order;
import com.shop.order.service.OrderService;
import org.springframework.web.bind.annotation.*;

@RestController
@RequestMapping("/api/orders")
public class OrderController {
    private final OrderService orderService;

    public OrderController(OrderService orderService) {
        this.orderService = orderService;
    }

    @GetMapping("/{id}")
    public Order get(@PathVariable Long id) {
        return orderService.findOrder(id);
    }

    @PostMapping
    public Order create(@RequestBody Order order) {
        return orderService.placeOrder(order);
    }
}
"""

_CONTROLLER_V2 = _CONTROLLER_V1.replace(
    "    @PostMapping\n",
    '    @RequestMapping(path = "/{id}/cancel", method = RequestMethod.POST)\n'
    "    public Order cancel(@PathVariable Long id) {\n"
    "        return orderService.findOrder(id);\n"
    "    }\n\n"
    "    @PostMapping\n",
)

ALICE = Author("Alice Example", "alice@shop.example")
BOB = Author("Bob Example", "bob@shop.example")
CAROL = Author("Carol Example", "carol@shop.example")
DAVE = Author("Dave Example", "Dave@Shop.Example")

JAVA_SERVICE_FILE = "src/main/java/com/shop/order/service/OrderServiceImpl.java"
JAVA_CONTROLLER_FILE = "src/main/java/com/shop/order/web/OrderController.java"


def build_java_repo(tmp: Path) -> SampleRepo:
    """The order service; commit 4 of 5 (by Dave) dereferences a missing loyalty rate."""
    git = GitWriter(tmp / "order-service")
    base = "src/main/java/com/shop/order"
    git.commit(
        {
            "pom.xml": _POM,
            "src/main/resources/application.yml": _APPLICATION_YML,
            ".github/CODEOWNERS": _CODEOWNERS_JAVA,
            f"{base}/domain/Order.java": _ORDER,
            f"{base}/domain/OrderLine.java": _ORDER_LINE,
            f"{base}/repository/OrderRepository.java": _REPOSITORY,
        },
        ALICE,
        _day(1),
        "Order entity and repository",
    )
    git.commit(
        {
            f"{base}/service/OrderService.java": _SERVICE_INTERFACE,
            JAVA_SERVICE_FILE: _SERVICE_HEAD + _SERVICE_V1_BODY,
            JAVA_CONTROLLER_FILE: _CONTROLLER_V1,
        },
        BOB,
        _day(5),
        "Order service and REST controller",
    )
    git.commit(
        {JAVA_SERVICE_FILE: _SERVICE_HEAD + _SERVICE_V2_BODY},
        CAROL,
        _day(10),
        "Volume discount over 100",
    )
    buggy = _SERVICE_HEAD + _SERVICE_V3_BODY
    bug = git.commit({JAVA_SERVICE_FILE: buggy}, DAVE, _day(15), "Loyalty discount by tier")
    git.commit(
        {JAVA_CONTROLLER_FILE: _CONTROLLER_V2, "docs/orders.md": "# Orders\n\nHow orders work.\n"},
        ALICE,
        _day(20),
        "Cancel endpoint and docs",
    )
    line = _line_of(buggy, "// BUG")
    controller_line = _line_of(_CONTROLLER_V2, "orderService.placeOrder")
    trace = "\n".join(
        [
            "java.lang.NullPointerException: Cannot invoke "
            '"java.math.BigDecimal.multiply(java.math.BigDecimal)" because "rate" is null',
            "\tat java.base/java.math.BigDecimal.multiply(BigDecimal.java:1510)",
            "\tat com.shop.order.service.OrderServiceImpl.placeOrder"
            f"(OrderServiceImpl.java:{line})",
            "\tat com.shop.order.service.OrderServiceImpl$$SpringCGLIB$$0.placeOrder(<generated>)",
            "\tat com.shop.order.web.OrderController.create"
            f"(OrderController.java:{controller_line})",
            "\tat org.springframework.web.servlet.FrameworkServlet.service"
            "(FrameworkServlet.java:885)",
            "\tat java.base/java.lang.Thread.run(Thread.java:1583)",
        ]
    )
    log_lines = [
        "2024-03-21 10:15:02.123 ERROR 1 --- [nio-8080-exec-3] "
        f"c.s.o.s.OrderServiceImpl#{line} : Failed to place order 1001: {trace.splitlines()[0]}",
        *trace.splitlines(),
    ]
    return SampleRepo(
        path=git.path,
        service="order-service",
        commits=list(git.commits),
        dates=list(git.dates),
        bug_commit=bug,
        bug_file=JAVA_SERVICE_FILE,
        bug_line=line,
        bug_method="method:com.shop.order.service.OrderServiceImpl#placeOrder",
        bug_class="class:com.shop.order.service.OrderServiceImpl",
        team="team:shop/orders-team",
        endpoint="endpoint:POST /api/orders",
        table="table:orders",
        aggregate="aggregate:Order",
        stack_trace=trace,
        log_lines=log_lines,
        authors={"alice": ALICE, "bob": BOB, "carol": CAROL, "dave": DAVE},
    )


# --- Python -----------------------------------------------------------------------------------

_PYPROJECT = """[project]
name = "inventory-service"
version = "0.3.0"
dependencies = ["fastapi", "sqlalchemy>=2"]
"""

_CODEOWNERS_PY = """* @acme/platform
app/ @acme/inventory-team
app/db.py @dba-dan   # the database session belongs to the DBA
"""

_DB = """from sqlalchemy.orm import DeclarativeBase, Session


class Base(DeclarativeBase):
    pass


def session() -> Session:
    raise NotImplementedError("wired by the application")
"""

_MODELS_V1 = """from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
"""

_MODELS_V2 = (
    _MODELS_V1
    + """

class StockMove(Base):
    __tablename__ = "stock_moves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer)
    delta: Mapped[int] = mapped_column(Integer)
"""
)

_REPOSITORY_PY = """from sqlalchemy.orm import Session

from app.models import Item


class ItemRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, item_id: int) -> Item | None:
        return self.session.get(Item, item_id)

    def save(self, item: Item) -> None:
        self.session.add(item)
"""

_SERVICE_PY_V1 = """from app.repository import ItemRepository


class InsufficientStock(Exception):
    pass


class StockService:
    def __init__(self, repo: ItemRepository) -> None:
        self.repo = repo

    def reserve(self, item_id: int, quantity: int) -> int:
        item = self.repo.get(item_id)
        if item is None or item.quantity < quantity:
            raise InsufficientStock(item_id)
        item.reserved += quantity
        self.repo.save(item)
        return item.quantity - item.reserved
"""

_SERVICE_PY_V2 = _SERVICE_PY_V1.replace(
    "        self.repo.save(item)\n",
    "        self.repo.save(item)\n        self.moves.append((item_id, -quantity))\n",
).replace(
    "        self.repo = repo\n",
    "        self.repo = repo\n        self.moves: list[tuple[int, int]] = []\n",
)

_SERVICE_PY_V3 = _SERVICE_PY_V2.replace(
    "        if item is None or item.quantity < quantity:\n",
    "        if item.quantity - item.reserved < quantity:  # BUG: item may be None\n",
)

_ROUTER_V1 = """from fastapi import APIRouter, Depends

from app.service import StockService

router = APIRouter(prefix="/items", tags=["items"])


def stock_service() -> StockService:
    raise NotImplementedError("wired by the application")


@router.get("/{item_id}")
def read_item(item_id: int, service: StockService = Depends(stock_service)) -> dict[str, int]:
    return {"id": item_id}


@router.post("/{item_id}/reserve")
def reserve_item(
    item_id: int, quantity: int, service: StockService = Depends(stock_service)
) -> dict[str, int]:
    left = service.reserve(item_id, quantity)
    return {"id": item_id, "left": left}
"""

_ROUTER_V2 = (
    _ROUTER_V1
    + """

@router.delete("/{item_id}/reserve")
def release_item(item_id: int) -> dict[str, int]:
    return {"id": item_id}
"""
)

_MAIN = """from fastapi import FastAPI

from app.routers import items

app = FastAPI(title="inventory")
app.include_router(items.router, prefix="/api")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
"""

ERIN = Author("Erin Example", "erin@acme.example")
FRANK = Author("Frank Example", "frank@acme.example")
GRACE = Author("Grace Example", "grace@acme.example")

PY_SERVICE_FILE = "app/service.py"
PY_ROUTER_FILE = "app/routers/items.py"


def build_python_repo(tmp: Path) -> SampleRepo:
    """The inventory service; commit 4 of 5 (by Grace) drops the guard against a missing item."""
    git = GitWriter(tmp / "inventory-service")
    git.commit(
        {
            "pyproject.toml": _PYPROJECT,
            "CODEOWNERS": _CODEOWNERS_PY,
            "app/__init__.py": "",
            "app/db.py": _DB,
            "app/models.py": _MODELS_V1,
            "app/repository.py": _REPOSITORY_PY,
        },
        ERIN,
        _day(2, 9),
        "Items table and repository",
    )
    git.commit(
        {
            PY_SERVICE_FILE: _SERVICE_PY_V1,
            "app/routers/__init__.py": "",
            PY_ROUTER_FILE: _ROUTER_V1,
            "app/main.py": _MAIN,
        },
        FRANK,
        _day(6, 9),
        "Reserve stock over HTTP",
    )
    git.commit(
        {"app/models.py": _MODELS_V2, PY_SERVICE_FILE: _SERVICE_PY_V2},
        ERIN,
        _day(11, 9),
        "Record stock moves",
    )
    bug = git.commit({PY_SERVICE_FILE: _SERVICE_PY_V3}, GRACE, _day(16, 9), "Count reservations")
    git.commit({PY_ROUTER_FILE: _ROUTER_V2}, FRANK, _day(21, 9), "Release a reservation")
    line = _line_of(_SERVICE_PY_V3, "# BUG")
    router_line = _line_of(_ROUTER_V2, "service.reserve(")
    trace = "\n".join(
        [
            "Traceback (most recent call last):",
            '  File "/usr/lib/python3.11/site-packages/starlette/routing.py", line 74, in app',
            "    response = await func(request)",
            f'  File "/srv/inventory/app/routers/items.py", line {router_line}, in reserve_item',
            "    left = service.reserve(item_id, quantity)",
            f'  File "/srv/inventory/app/service.py", line {line}, in reserve',
            "    if item.quantity - item.reserved < quantity:",
            "AttributeError: 'NoneType' object has no attribute 'quantity'",
        ]
    )
    log_lines = [
        "2024-03-22 09:30:01,123 ERROR [app.routers.items] reserve failed for item 7",
        *trace.splitlines(),
    ]
    return SampleRepo(
        path=git.path,
        service="inventory-service",
        commits=list(git.commits),
        dates=list(git.dates),
        bug_commit=bug,
        bug_file=PY_SERVICE_FILE,
        bug_line=line,
        bug_method="method:app.service.StockService#reserve",
        bug_class="class:app.service.StockService",
        team="team:acme/inventory-team",
        endpoint="endpoint:POST /api/items/{}/reserve",
        table="table:items",
        aggregate=None,
        stack_trace=trace,
        log_lines=log_lines,
        authors={"erin": ERIN, "frank": FRANK, "grace": GRACE},
    )


# When the sample Java failure is alerted on (after its commits, the day after the last).
JAVA_AT = datetime(2024, 3, 21, 10, 15, tzinfo=UTC)


def write_incident_logs(repo: SampleRepo, folder: Path, at: datetime) -> Path:
    """Healthy request lines for 25 minutes, then the repository's failure every 14 s from
    five minutes before ``at``: what the service's log file would hold."""
    first = repo.log_lines[0]
    stamp_len = len("2024-03-21 10:15:02.123")
    python = "," in first[:stamp_len]
    lines: list[str] = []
    t = at - timedelta(minutes=20)
    i = 0
    while t < at + timedelta(minutes=5):
        ms = f"{t.microsecond // 1000:03d}"
        stamp = t.strftime("%Y-%m-%d %H:%M:%S") + ("," if python else ".") + ms
        if python:
            lines.append(f"{stamp} INFO [app.routers.items] GET /items/{i} 200")
        else:
            lines.append(
                f"{stamp}  INFO 1 --- [nio-8080-exec-{i % 9 + 1}] "
                f"c.s.o.w.OrderController#27 : GET /api/orders/{1000 + i} 200"
            )
        if t >= at - timedelta(minutes=5) and i % 2 == 0:
            lines.append(stamp + first[stamp_len:])
            lines += repo.log_lines[1:]
        t += timedelta(seconds=7)
        i += 1
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{repo.service}.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
