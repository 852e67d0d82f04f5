"""The error responses each kind of route documents in OpenAPI."""

from __future__ import annotations

from typing import Any

from warroom.api.schemas import ErrorPublic

_TEXT = {
    401: "No API key, or one that is not valid.",
    403: "The key's role does not allow this.",
    404: "Not found.",
    409: "Conflicts with the current state.",
    413: "The request body is over the limit.",
    422: "The request does not have the expected shape.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given error codes (401 and 403 always included)."""
    chosen = sorted({401, 403, *codes})
    return {code: {"model": ErrorPublic, "description": _TEXT[code]} for code in chosen}
