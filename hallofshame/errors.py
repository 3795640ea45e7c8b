"""The one base class of the failures a stage expects (a dead database, an unreadable feed, a
bad override file): the CLI prints their message as one line and exits non-zero."""


class StageError(Exception):
    """An expected failure; its message is written for the operator."""
