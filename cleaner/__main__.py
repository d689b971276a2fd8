"""`python -m cleaner` is the same as the `clean` command."""

from cleaner.cli import main

if __name__ == "__main__":
    main()
