"""The alert store suite again on the real PostgreSQL (``tests/services.py``): group commit,
masking and webhook secrets behave the same there."""

from __future__ import annotations

from tests.store import test_alerts
from tests.store.test_postgres import settings, store

__all__ = ["settings", "store"]  # the PostgreSQL fixtures replace the SQLite ones here

for _name, _value in vars(test_alerts).items():
    if _name.startswith("test_") and callable(_value):
        globals()[_name] = _value
