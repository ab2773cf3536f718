"""The `replicost` command line: thin click commands over the library."""
