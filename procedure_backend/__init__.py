"""The reference procedure backend: receives the stations' submissions into a real database.

Run it with ``python -m procedure_backend serve`` (console script ``procedure-backend``). SQLite is the
zero-setup default; a ``postgresql://`` URL moves it onto PostgreSQL when one machine is outgrown.
"""

from __future__ import annotations

from procedure_backend.app import create_app
from procedure_backend.db import Database, normalize_url

__all__ = ["Database", "create_app", "normalize_url"]
