"""``chujing console``: a small, server-rendered web console over the scan store.

Compliance teams live with scheduled scans; the console shows them, without
reading JSON, where personal information and candidate important data sit
(overview and drill-down), what changed between runs, which findings still need
a person (the review queue, writing the same decisions as ``chujing review``),
and what left the country this year (the ledger).

* :mod:`scanner.console.security` — binding, authentication, CSRF, headers;
* :mod:`scanner.console.queries` — the store reads, each backed by a key or an index;
* :mod:`scanner.console.runview` — a run's report rebuilt, and its findings flattened;
* :mod:`scanner.console.findings` — filters, pages, review state, CSV/XLSX exports;
* :mod:`scanner.console.charts` — the trend chart (SVG, no script);
* :mod:`scanner.console.app` — the Flask application and its pages;
* :mod:`scanner.console.server` — werkzeug's threaded server.

See ``docs/console.md``.
"""
