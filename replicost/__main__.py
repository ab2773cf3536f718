"""`python -m replicost` runs the CLI."""

from replicost.cli.main import main

if __name__ == "__main__":
    main()
