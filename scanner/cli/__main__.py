"""``python -m scanner.cli``: the ``chujing`` command without its installed script."""

from scanner.cli.root import main

if __name__ == "__main__":
    main()
