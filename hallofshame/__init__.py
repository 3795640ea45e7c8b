"""Theme Park Hall of Shame: code shared by every stage (settings, database, the metric rules)."""

__version__ = "0.1.0"
