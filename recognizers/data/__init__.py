"""Reference tables the recognizers read at first use (TSV, ``#`` header comments name each source).

The scripts in ``update/`` regenerate them; nothing here is downloaded at run time.
"""
