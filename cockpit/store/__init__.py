"""The cockpit's SQLite store: schema, migrations, writes and the queries the screens need."""

from cockpit.store.db import Store, StoreError, open_store

__all__ = ["Store", "StoreError", "open_store"]
