"""Print the OpenAPI document of ``create_app`` as JSON: ``python3 -m warroom.api.spec > FILE``.

No server starts and nothing is written: the app is built but its lifespan (which opens the
store) never runs. The web UI generates its typed client from this output (``npm run gen``).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from warroom.api.app import create_app
from warroom.config import Settings


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of an app built with default settings over a throwaway folder."""
    with tempfile.TemporaryDirectory(prefix="warroom-spec-") as folder:
        settings = Settings(data_dir=Path(folder), database_url=None)
        document: dict[str, Any] = create_app(settings).openapi()
    return document


def main(out: TextIO = sys.stdout) -> int:
    json.dump(openapi_document(), out, indent=2, sort_keys=False, ensure_ascii=False)
    out.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
