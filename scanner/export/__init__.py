"""Before and after an export: the gate, the persons it counts, the ledger that remembers them, the spot-check.

* :mod:`scanner.export.check` — ``chujing check``: scan, count persons, consult the ledger, decide the route;
* :mod:`scanner.export.persons` — distinct natural persons of a scanned table, counted in its engine;
* :mod:`scanner.export.ledger` — the year's exports and their persons, as keyed hashes;
* :mod:`scanner.export.spotcheck` — the export data against its filing (一致性抽验).

Everything here reads the sources again after a scan (:mod:`scanner.scan`) has
said which columns hold what; the command line (:mod:`scanner.cli`) is above it.
"""
