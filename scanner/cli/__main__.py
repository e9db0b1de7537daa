"""``python -m scanner.cli``: the ``chujing`` command without its installed script."""

from scanner.cli.root import run

if __name__ == "__main__":
    run()
