"""Who may import what outside the layering contracts: tests, their support, the benchmarks.

Tests get fixtures by name, from the conftest of their folder or from the fixture modules
``tests/conftest.py`` registers; they import only plain types and helpers (``tests.support``).
Shipped code imports neither the tests nor the benchmarks, and the benchmarks import no test.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TESTS = ROOT / "tests"
FIXTURE_MODULES = TESTS / "support" / "fixtures"
SHIPPED = sorted(ROOT.glob("*/src")) + sorted(ROOT.glob("cli/*/src"))


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if ".venv" not in p.parts)


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """``(line, module)`` for every import in ``path``; a relative import keeps its dots."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_no_module_imports_a_conftest_or_a_fixture_module() -> None:
    fixtures = module_name(FIXTURE_MODULES)
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path in python_files(TESTS)
        for line, module in imported_modules(path)
        if module.split(".")[-1] == "conftest"
        or ".conftest." in module
        or module == fixtures
        or module.startswith(fixtures + ".")
    ]
    assert offenders == [], "take fixtures by name, import helpers from tests.support"


def registered_plugins() -> list[str]:
    """``pytest_plugins`` of ``tests/conftest.py``, read from its source (never imported)."""
    tree = ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, list)
            return [str(v) for v in value]
    raise AssertionError("tests/conftest.py sets no pytest_plugins")


def test_the_root_conftest_registers_every_fixture_module() -> None:
    modules = {module_name(p) for p in FIXTURE_MODULES.glob("*.py") if p.name != "__init__.py"}
    registered = registered_plugins()
    assert sorted(registered) == sorted(modules)


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_code_imports_neither_tests_nor_benchmarks(folder: Path) -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path in python_files(folder)
        for line, module in imported_modules(path)
        if module.split(".")[0] in ("tests", "benchmarks")
    ]
    assert offenders == []


def test_the_benchmarks_import_no_test() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path in python_files(ROOT / "benchmarks")
        for line, module in imported_modules(path)
        if module.split(".")[0] == "tests"
    ]
    assert offenders == []
