"""Imports form no cycle: a module that needs another's type takes it as a Protocol or a return
value instead of importing it back (import-linter's layers hold the direction between packages;
this holds it between the modules of one)."""

from __future__ import annotations

import grimp

PACKAGES = (
    "cli",
    "demo",
    "collector",
    "aggregator",
    "reader",
    "publisher",
    "simulator",
    "web",
    "ops",
)


def test_no_two_modules_import_each_other():
    graph = grimp.build_graph(*PACKAGES, "hallofshame")  # type-checking imports included
    cycles = {
        tuple(sorted((module, imported)))
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.find_shortest_chain(importer=imported, imported=module)
    }
    assert not cycles, f"import cycles: {sorted(cycles)}"
