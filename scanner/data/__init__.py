"""Reference tables the scanner reads (``provinces.tsv``: provincial extents for trajectory profiles)."""
