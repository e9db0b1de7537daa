"""The scan store (``--store URL``): runs, per-table results and fingerprints, findings and reviews.

See :mod:`scanner.store.store` for what it keeps and why, :mod:`scanner.store.schema`
for its tables and migrations, and :mod:`scanner.store.database` for how SQLite
and PostgreSQL are shared by concurrent runs.
"""

from scanner.store.store import STORE_ENV, Review, ReviewTarget, Store, StoreError, canonical_sha256

__all__ = ["STORE_ENV", "Review", "ReviewTarget", "Store", "StoreError", "canonical_sha256"]
