"""The engine reads as its stages, and imports only ever point down the stack.

input → linguistic layer → candidates → plan → model call → validation and grounding → rules →
assembly → engine → output, batch and evaluation → CLI. A module may import its own stage or a
lower one, never a higher one; ``schemas/`` imports nothing of the extractor's at all.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "extractor"
LAYERS = {
    "errors": 0, "settings": 0, "schemas": 0, "prompts": 0,
    "input": 1, "linguistic": 2, "candidates": 3, "plan": 4, "call": 5, "grounding": 6, "rules": 7,
    "assembly": 8, "engine": 9, "output": 10, "batch": 10, "archive": 10, "evaluation": 11,
    "cli": 12, "__init__": 12, "__main__": 12,
}


def _imports(path: Path) -> set[str]:
    """Every module an ``import`` or ``from ... import`` in the file names, lazy ones included;
    ``from extractor import X`` names the stage ``X`` when it is one, else the package root
    (``extractor.__init__``, which re-exports the engine and the batch API)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "extractor" and node.level == 0:
            names.update(f"extractor.{a.name}" if a.name in LAYERS else "extractor.__init__" for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _module(path: Path) -> str:
    """The dotted name a source file imports as (a package by its ``__init__``)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of more than one module (Tarjan): modules that import each
    other, directly or round a loop."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in order:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], order[other])
        if low[node] == order[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(group)

    for node in graph:
        if node not in order:
            visit(node)
    return found


def _stage(module_path: Path) -> str:
    parts = module_path.relative_to(PACKAGE).parts
    return parts[0].removesuffix(".py")


def _sources() -> list[Path]:
    """The extractor's own modules (``schemas`` and ``prompts`` are links to the top-level folders)."""
    return [p for p in PACKAGE.rglob("*.py") if not any((PACKAGE / part).is_symlink()
                                                        for part in p.relative_to(PACKAGE).parts[:1])]


def test_every_stage_has_a_layer() -> None:
    sources = _sources()
    stages = {_stage(p) for p in sources}
    assert len(sources) > 40 and {"input", "linguistic", "candidates", "plan", "call", "rules", "assembly"} <= stages
    assert stages <= set(LAYERS), f"unplaced stage(s): {sorted(stages - set(LAYERS))}"


def test_no_module_imports_a_higher_stage() -> None:
    violations = []
    for path in _sources():
        own = LAYERS[_stage(path)]
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "extractor" or len(parts) < 2:
                continue
            if LAYERS[parts[1]] > own:
                violations.append(f"{path.relative_to(ROOT)} imports {name}")
    assert violations == []


def test_no_module_imports_the_package_root_or_relatively() -> None:
    root, relative = [], []
    for path in _sources():
        if _stage(path) != "__init__" and "extractor.__init__" in _imports(path):
            root.append(str(path.relative_to(ROOT)))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.ImportFrom) and node.level > 0 for node in ast.walk(tree)):
            relative.append(str(path.relative_to(ROOT)))
    assert root == [] and relative == []


def test_no_modules_import_each_other() -> None:
    modules = {_module(p): p for p in _sources()}
    graph = {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}
    assert len(graph) > 40 and _cycles(graph) == []


def test_the_checks_catch_a_root_import_and_a_cycle(tmp_path: Path) -> None:
    low = tmp_path / "low.py"
    low.write_text("from extractor import Extractor, errors\n")
    assert _imports(low) == {"extractor.__init__", "extractor.errors"}
    loop = {"a.run": {"a.ray"}, "a.ray": {"a.store", "a.run"}, "a.store": set(), "b": {"a.run"}}
    assert _cycles(loop) == [{"a.run", "a.ray"}]


def test_schemas_import_nothing_of_the_extractor() -> None:
    for path in (ROOT / "schemas").glob("*.py"):
        assert not {n for n in _imports(path) if n.split(".")[0] in {"extractor", "schemas", "prompts"}}, path


def test_the_layer_check_catches_an_upward_import(tmp_path: Path) -> None:
    upward = tmp_path / "bad.py"
    upward.write_text("def f():\n    from extractor.engine import Extractor\n")
    assert "extractor.engine" in _imports(upward) and LAYERS["engine"] > LAYERS["rules"]


def test_the_architecture_page_names_every_stage() -> None:
    """docs/architecture.md draws the tree a reader meets: each stage package and top-level
    module of ``extractor/`` has its line there (a new room is added to the picture)."""
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    tree = page.split("```", 2)[1]
    drawn = {line.split()[0] for line in tree.splitlines() if line.startswith("  ") and not line.startswith("   ")}
    rooms = {f"{p.name}/" for p in PACKAGE.iterdir() if p.is_dir() and not p.is_symlink() and p.name != "__pycache__"}
    modules = {p.name for p in PACKAGE.glob("*.py") if not p.name.startswith("__")}
    assert rooms | modules == drawn


def test_every_public_name_resolves_and_the_lazy_ones_are_declared_for_type_checkers() -> None:
    import extractor

    init = PACKAGE / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    checking = next(node for node in tree.body if isinstance(node, ast.If)
                    and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
    declared = {alias.asname or alias.name for node in checking.body if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    eager = {alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
             for alias in node.names}
    assert set(extractor.__all__) <= declared | eager
    assert all(getattr(extractor, name) is not None for name in extractor.__all__)
