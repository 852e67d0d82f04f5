"""The HTTP service: ``create_app(settings)`` builds the FastAPI app (see ``app.py``)."""

from warroom.api.app import create_app
from warroom.api.state import Limits

__all__ = ["Limits", "create_app"]
