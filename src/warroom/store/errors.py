"""The store's exceptions. Every one of them is a ``StoreError``.

::

    StoreError
    ├── StoreInputError          the caller passed something the store cannot keep
    │   ├── NaiveDatetimeError   a datetime without a time zone
    │   └── InvalidBlobIdError   not a 64-character lowercase hex sha256
    ├── NotFoundError            something the call needs does not exist
    │   ├── UnknownIncidentError
    │   ├── UnknownRunError
    │   └── BlobNotFoundError
    ├── AlreadyExistsError       an id that is already taken
    └── RunStateError            a run status change that is not allowed

Lookups (``get_*``) return ``None`` when nothing matches; these errors are for writes that
cannot be carried out, and for blob reads.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every error the store raises on purpose."""


class StoreInputError(StoreError, ValueError):
    """The input cannot be stored as given; the message says what was expected."""


class NaiveDatetimeError(StoreInputError):
    def __init__(self, field: str, value: object) -> None:
        super().__init__(
            f"{field} must be a timezone-aware datetime, got {value!r} with no time zone; "
            "attach one, e.g. value.replace(tzinfo=UTC) when it is already UTC"
        )


class InvalidBlobIdError(StoreInputError):
    def __init__(self, value: object) -> None:
        super().__init__(
            f"expected a blob id of 64 lowercase hex characters (a sha256), got {value!r}"
        )


class NotFoundError(StoreError, LookupError):
    """A write or a blob read refers to something that is not stored."""


class UnknownIncidentError(NotFoundError):
    def __init__(self, incident_id: str) -> None:
        super().__init__(f"no incident with id {incident_id!r}; store it first with add_incident()")


class UnknownRunError(NotFoundError):
    def __init__(self, run_id: str) -> None:
        super().__init__(f"no run with id {run_id!r}; create it first with create_run()")


class BlobNotFoundError(NotFoundError, FileNotFoundError):
    def __init__(self, sha256: str) -> None:
        super().__init__(f"no blob with sha256 {sha256}; store it first with put_file()")


class AlreadyExistsError(StoreError):
    """The id is already taken; choose another id or read the stored one."""


class RunStateError(StoreError):
    """The status change is not allowed (a finished run stays finished)."""
