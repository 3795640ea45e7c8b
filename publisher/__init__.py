"""The publisher stage: static HTML, JSON and CSV under the docroot (a later issue)."""
