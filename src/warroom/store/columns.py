"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from warroom.store.errors import NaiveDatetimeError


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime, stored in UTC and always read back as UTC-aware.

    SQLite keeps no offset, so values are converted to UTC before they are written and
    tagged UTC when they are read; PostgreSQL stores ``timestamptz`` and needs only the
    conversion. Naive datetimes are refused: their meaning depends on the machine.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError("a datetime column", value)
        utc = value.astimezone(UTC)
        # SQLite's DATETIME text format has no offset: write naive UTC so ordering works.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def require_aware(field: str, value: datetime | None) -> None:
    """Raise ``NaiveDatetimeError`` naming ``field`` when ``value`` has no time zone.

    Repositories call this before writing, so the error names the field the caller set
    rather than surfacing wrapped in a database exception.
    """
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise NaiveDatetimeError(field, value)
