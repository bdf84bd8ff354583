"""The README cannot drift from the code (datasette's tests/test_docs.py pattern): every package, shared module
and page is named in "Where things live", everything that table names exists, every `python -m` command it
documents is a runnable module, and every KYR_* setting the code reads is in the Configuration table.

Each item is its own test, so a failure names exactly what to add or remove."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
OUTREACH = ROOT / "outreach"
CELL_BOUNDARY = re.compile(r"(?<!\\)\|")  # a `\|` inside a cell is a literal bar
BACKTICKED = re.compile(r"`([^`]+)`")
MODULE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
SETTING = re.compile(r"KYR_[A-Z0-9_]+")
PYTHON_M = re.compile(r"python -m ([\w.]+)")


def _section(title: str) -> str:
    """The README text under `## title`, up to the next second-level heading ('' when there is none)."""
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    return match.group(1) if match else ""


def _table(title: str) -> list[tuple[str, str]]:
    """(first cell, second cell) of each body row of the markdown table in the section."""
    rows = []
    for line in _section(title).splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in CELL_BOUNDARY.split(line.strip())[1:-1]]
        if len(cells) < 2 or set(cells[0]) <= set("-: "):
            continue
        rows.append((cells[0], cells[1]))
    return rows[1:]  # the first row is the header


def _layout_rows() -> dict[str, str]:
    """Each path the "Where things live" table names in its first column -> that row's description."""
    return {path: what for first, what in _table("Where things live") for path in BACKTICKED.findall(first)}


def _repository_paths_in(text: str) -> list[str]:
    """Backticked tokens that read as repository paths (`data/README.md`, `tests/e2e/`), not URLs or commands."""
    return [
        token
        for token in BACKTICKED.findall(text)
        if " " not in token
        and not token.startswith("/")
        and "<" not in token
        and ("/" in token or token.endswith((".py", ".md", ".sh")))
    ]


def _named_paths() -> list[str]:
    named = set()
    for first, what in _table("Where things live"):
        named.update(_repository_paths_in(first))
        named.update(_repository_paths_in(what))
    return sorted(named)


def _packages() -> list[str]:
    return sorted(
        f"{path.parent.relative_to(ROOT).as_posix()}/"
        for path in OUTREACH.rglob("__init__.py")
        if "__pycache__" not in path.parts and path.parent != OUTREACH
    )


def _shared_modules() -> list[str]:
    return sorted(f"outreach/{path.name}" for path in OUTREACH.glob("*.py") if path.name != "__init__.py")


def _pages() -> list[str]:
    return sorted(path.stem for path in (ROOT / "pages").glob("*.py"))


def _modules_named_in_package_rows() -> list[tuple[str, str]]:
    """(package, name) for each bare backticked name in a package's row: the row's list of its modules."""
    packages = set(_packages())
    return [
        (package, token)
        for package, what in _layout_rows().items()
        if package in packages
        for token in BACKTICKED.findall(what)
        if MODULE_NAME.fullmatch(token)
    ]


def _settings_read_by_python(paths: list[Path]) -> set[str]:
    """KYR_* names used as whole string literals: `os.environ["KYR_X"]`, `getenv("KYR_X")`, `_setting("KYR_X", ...)`."""
    found = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and SETTING.fullmatch(node.value)
            ):
                found.add(node.value)
    return found


def _settings() -> list[str]:
    python = [*OUTREACH.rglob("*.py"), *(ROOT / "scripts").glob("*.py")]
    shell = [*(ROOT / "scripts").glob("*.sh"), ROOT / "Makefile"]
    found = _settings_read_by_python(python)
    for path in shell:
        found.update(SETTING.findall(path.read_text(encoding="utf-8")))
    return sorted(found)


def _documented_settings() -> set[str]:
    return {name for first, _ in _table("Configuration") for name in BACKTICKED.findall(first)}


def _documented_commands() -> list[str]:
    text = "\n".join(path.read_text(encoding="utf-8") for path in [README, *sorted(ROOT.glob("docs/*.md"))])
    return sorted(set(PYTHON_M.findall(text)))


def test_the_readme_has_both_tables():
    assert _layout_rows(), 'README.md has no "## Where things live" table (| path | what |)'
    assert _documented_settings(), (
        'README.md has no "## Configuration" table (| variable | default | meaning |)'
    )
    assert "pages/" in _layout_rows(), 'README.md\'s "Where things live" table has no `pages/` row'


@pytest.mark.parametrize("package", _packages())
def test_every_package_has_a_row(package):
    assert package in _layout_rows(), (
        f'The package {package} is not in README.md\'s "Where things live" table: add a row `{package}` '
        "that names its modules (see its __init__ docstring)."
    )


@pytest.mark.parametrize("module", _shared_modules())
def test_every_shared_module_has_a_row(module):
    assert module in _layout_rows(), (
        f'The module {module} is not in README.md\'s "Where things live" table: add a row `{module}` saying '
        "what it is for."
    )


@pytest.mark.parametrize("page", _pages())
def test_every_page_is_named_in_the_pages_row(page):
    assert page in BACKTICKED.findall(_layout_rows().get("pages/", "")), (
        f'pages/{page}.py is not named in the `pages/` row of README.md\'s "Where things live" table: '
        f"add `{page}` with a word on what it shows."
    )


@pytest.mark.parametrize(
    "page",
    [name for name in BACKTICKED.findall(_layout_rows().get("pages/", "")) if MODULE_NAME.fullmatch(name)],
)
def test_every_page_the_pages_row_names_exists(page):
    assert (ROOT / "pages" / f"{page}.py").is_file(), (
        f"README.md's `pages/` row names `{page}`, but pages/{page}.py does not exist: rename or remove it."
    )


@pytest.mark.parametrize("path", _named_paths())
def test_every_path_the_table_names_exists(path):
    assert (ROOT / path).exists(), (
        f'README.md\'s "Where things live" table names {path}, which does not exist: fix or remove it.'
    )


@pytest.mark.parametrize(("package", "module"), _modules_named_in_package_rows())
def test_every_module_a_package_row_names_exists(package, module):
    assert (ROOT / package / f"{module}.py").is_file() or (
        ROOT / package / module / "__init__.py"
    ).is_file(), (
        f"README.md's `{package}` row names `{module}`, but {package}{module}.py does not exist: "
        "fix or remove it."
    )


@pytest.mark.parametrize("module", _documented_commands())
def test_every_documented_python_m_command_is_a_runnable_module(module):
    path = ROOT / Path(*module.split("."))
    source = path.with_suffix(".py") if path.with_suffix(".py").is_file() else path / "__main__.py"
    assert source.is_file(), f"The docs run `python -m {module}`, but {module} is not a module here."
    assert "__main__" in source.read_text(encoding="utf-8"), (
        f"The docs run `python -m {module}`, but {source.relative_to(ROOT)} has no command-line entry point."
    )


@pytest.mark.parametrize("setting", _settings())
def test_every_setting_is_in_the_configuration_table(setting):
    assert setting in _documented_settings(), (
        f"{setting} is read by the code but missing from README.md's Configuration table: add a row with its "
        "default and what it does."
    )
