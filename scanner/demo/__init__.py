"""``chujing demo``: a fictional Suzhou biopharma warehouse, generated, scanned and reported.

* :mod:`scanner.demo.run` — build, scan and write the reports;
* :mod:`scanner.demo.data` — the SQLite database and Parquet lake, deterministic per seed;
* :mod:`scanner.demo.identities` — fictional people, accounts, devices and vehicles with real checksums;
* :mod:`scanner.demo.vocabulary` — what the company sells, tests and treats.
"""
