"""The command line: the top layer, which adds every stage's commands to one group."""

from cli.main import cli, main

__all__ = ["cli", "main"]
