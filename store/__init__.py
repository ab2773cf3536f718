"""The local DuckDB database: schema migrations and opening it safely."""

from replicost.store.db import connect, open_readonly
from replicost.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate
from replicost.store.transactions import transaction

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "connect", "migrate", "open_readonly", "transaction"]
