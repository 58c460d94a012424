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
    """Every module an ``import`` or ``from ... import`` in the file names, lazy ones included."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


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


def test_schemas_import_nothing_of_the_extractor() -> None:
    for path in (ROOT / "schemas").glob("*.py"):
        assert not {n for n in _imports(path) if n.split(".")[0] in {"extractor", "schemas", "prompts"}}, path


def test_the_layer_check_catches_an_upward_import(tmp_path: Path) -> None:
    upward = tmp_path / "bad.py"
    upward.write_text("def f():\n    from extractor.engine import Extractor\n")
    assert "extractor.engine" in _imports(upward) and LAYERS["engine"] > LAYERS["rules"]
