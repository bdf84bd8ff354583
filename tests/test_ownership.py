"""One owner writes each table (DESIGN.md: "another capability asks it, never writes the row itself").

A static check over outreach/ (outside outreach/ui/, which never writes). It finds every ORM write:

- `insert(Model)`, `update(Model)`, `delete(Model)` (SQLAlchemy statements, dialect inserts too);
- `Model(...)`: a mapped object is built to be added to a session (`session.add(Model(...))`, `add_all`);
- `session.add(x)`, `session.delete(x)`, and `x.column = ...` / `x.column += ...` / `setattr(x, ...)` on an
  object `x` known to be a Model: from `session.get(Model, ...)`, `get_or_not_found(session, Model, ...)`,
  `session.scalar(select(Model)...)`, `session.scalars(select(Model)...)`, `Model(...)`, an annotation
  (`request: RestockRequest`), or a loop over a relationship of a known object (`for line in request.lines`);
- `delete(table)` / `table.insert()` on a table chosen at run time: a write to every table ("*").

The owner of a writer module is its capability: `outreach/restock/triage.py` and
`outreach/restock/fulfilment.py` are both `outreach.restock` (submission creates requests, triage decides,
fulfilment follows the shipment); a top-level module (`outreach/audit.py`) owns alone. Each table has
exactly one owner, except the writes in ALLOWED, each with its reason.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import inspect

from outreach.models import Base

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ROOT / "outreach"
EVERY_TABLE = "*"

MODELS = {mapper.class_.__name__: mapper for mapper in Base.registry.mappers}
TABLE_OF = {name: mapper.local_table.name for name, mapper in MODELS.items()}

# (table, writer module) -> why that module may write a table another capability owns.
ALLOWED: dict[tuple[str, str], str] = {
    (EVERY_TABLE, "outreach.backup"): "a restore replaces every table in bulk, in one transaction",
}

STATEMENTS = {"insert", "update", "delete"}
LOADERS = {"get", "get_one", "merge"}
SESSION_LOADERS = {"get_or_not_found"}  # outreach.db's: the Model comes after the session
SELECTS = {"scalar", "scalar_one", "scalar_one_or_none", "one", "first"}
MANY = {"scalars"}
ORDER_KEEPERS = {"sorted", "list", "reversed", "tuple"}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def owner_of(module: str) -> str:
    """`outreach.restock.triage` -> `outreach.restock`; `outreach.audit` -> `outreach.audit`."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _model_named(node: ast.expr | None) -> str | None:
    """`Shipment`, `models.Shipment`, `Shipment | None`, `"Shipment"` -> "Shipment"."""
    if isinstance(node, ast.Name) and node.id in MODELS:
        return node.id
    if isinstance(node, ast.Attribute) and node.attr in MODELS:
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in MODELS:
        return node.value
    if isinstance(node, ast.BinOp):  # Model | None
        return _model_named(node.left) or _model_named(node.right)
    return None


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _selected_model(node: ast.expr) -> str | None:
    """The Model in `select(Model).where(...).order_by(...)`, following the method chain down."""
    while isinstance(node, ast.Call):
        if _call_name(node) == "select":
            return _model_named(node.args[0]) if node.args else None
        if not isinstance(node.func, ast.Attribute):
            return None
        node = node.func.value
    return None


class Scope:
    """What each name in one function is known to be: a Model, or an iterable of a Model.

    `returns` maps function names to the Model they are annotated to return (`_load(...) -> RestockRequest`).
    """

    def __init__(self, returns: dict[str, str]) -> None:
        self.returns = returns
        self.one: dict[str, str] = {}
        self.many: dict[str, str] = {}

    def model_of(self, node: ast.expr) -> str | None:
        """The Model an expression evaluates to, when it is known."""
        if isinstance(node, ast.Name):
            return self.one.get(node.id)
        if isinstance(node, ast.Attribute):  # request.organization: a many-to-one relationship
            return self._related(node, uselist=False)
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in MODELS:
                return name
            if name in self.returns:
                return self.returns[name]
            if name in LOADERS and node.args:
                return _model_named(node.args[0])
            if name in SESSION_LOADERS and len(node.args) > 1:
                return _model_named(node.args[1])
            if name in SELECTS and node.args:
                return _selected_model(node.args[0])
            if name == "next" and node.args and isinstance(node.args[0], ast.GeneratorExp):
                return self.element_of(node.args[0].generators[0].iter)
        return None

    def element_of(self, node: ast.expr) -> str | None:
        """The Model each item of an iterable is, when it is known."""
        if isinstance(node, ast.Name):
            return self.many.get(node.id)
        if isinstance(node, ast.Attribute):  # request.lines: a one-to-many relationship
            return self._related(node, uselist=True)
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in MANY and node.args:
                return _selected_model(node.args[0])
            if name in ORDER_KEEPERS and node.args:
                return self.element_of(node.args[0])
        return None

    def _related(self, node: ast.Attribute, *, uselist: bool) -> str | None:
        parent = self.model_of(node.value)
        if parent is None:
            return None
        relationship = inspect(MODELS[parent].class_).relationships.get(node.attr)
        if relationship is None or bool(relationship.uselist) != uselist:
            return None
        return relationship.mapper.class_.__name__

    def bind(self, target: ast.expr, value: ast.expr | None, annotation: ast.expr | None = None) -> None:
        if not isinstance(target, ast.Name):
            return
        model = _model_named(annotation) if annotation is not None else None
        if model is None and value is not None:
            model = self.model_of(value)
        if model is not None:
            self.one[target.id] = model
        element = self.element_of(value) if value is not None else None
        if element is not None:
            self.many[target.id] = element


def _learn(scope: Scope, function: ast.AST) -> None:
    """Fill `scope` from every binding in `function` (twice: a binding may use one made below it)."""
    for _ in range(2):
        for node in ast.walk(function):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                arguments = node.args
                for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                    model = _model_named(argument.annotation)
                    if model is not None:
                        scope.one[argument.arg] = model
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    scope.bind(target, node.value)
            elif isinstance(node, ast.AnnAssign):
                scope.bind(node.target, node.value, node.annotation)
            elif isinstance(node, ast.For):  # not comprehensions: their names stay inside them
                element = scope.element_of(node.iter)
                if element is not None and isinstance(node.target, ast.Name):
                    scope.one[node.target.id] = element
            elif isinstance(node, ast.NamedExpr):
                scope.bind(node.target, node.value)


def _targets(node: ast.expr) -> Iterator[ast.expr]:
    if isinstance(node, ast.Tuple | ast.List):
        for element in node.elts:
            yield from _targets(element)
    else:
        yield node


def returned_models(tree: ast.Module) -> dict[str, str]:
    """Function name -> the Model it is annotated to return."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            model = _model_named(node.returns)
            if model is not None:
                found[node.name] = model
    return found


def writes_in(source: str, returns: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """(table, line) for every ORM write in a module's source; `returns` adds functions defined elsewhere."""
    tree = ast.parse(source)
    known = {**(returns or {}), **returned_models(tree)}
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
    for unit in [*functions, ast.Module(body=[n for n in tree.body if n not in functions], type_ignores=[])]:
        scope = Scope(known)
        _learn(scope, unit)
        for node in ast.walk(unit):
            for model in _written(scope, node):
                yield (TABLE_OF.get(model, model), getattr(node, "lineno", 0))


def _written(scope: Scope, node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Call):
        name = _call_name(node)
        if name in MODELS:
            yield name
        elif name in STATEMENTS and isinstance(node.func, ast.Name) and node.args:
            yield _model_named(node.args[0]) or EVERY_TABLE
        elif name in STATEMENTS and isinstance(node.func, ast.Attribute) and node.args:
            model = _model_named(node.args[0])  # postgresql.insert(Model), sqlite.insert(Model)
            if model is not None:
                yield model
        elif (
            name in STATEMENTS
            and isinstance(node.func, ast.Attribute)
            and not node.args
            and not node.keywords
        ):
            yield scope.model_of(node.func.value) or EVERY_TABLE  # table.insert(), not options.update(a=1)
        elif name in {"add", "delete", "merge"} and node.args:
            model = scope.model_of(node.args[0])
            if model is not None:
                yield model
        elif name == "setattr" and node.args:
            model = scope.model_of(node.args[0])
            if model is not None:
                yield model
    elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            for part in _targets(target):
                if isinstance(part, ast.Attribute):
                    model = scope.model_of(part.value)
                    if model is not None:
                        yield model


def domain_modules() -> Iterator[Path]:
    for path in sorted(DOMAIN.rglob("*.py")):
        if "ui" not in path.relative_to(DOMAIN).parts[:-1]:
            yield path


def writers() -> dict[str, dict[str, list[int]]]:
    """table -> writer module -> the lines that write it."""
    sources = {path: path.read_text(encoding="utf-8") for path in domain_modules()}
    # Functions imported from another module (`from outreach.restock.triage import load_request`), by a
    # name that means one Model everywhere.
    returns: dict[str, set[str]] = defaultdict(set)
    for source in sources.values():
        for name, model in returned_models(ast.parse(source)).items():
            returns[name].add(model)
    shared = {name: next(iter(models)) for name, models in returns.items() if len(models) == 1}
    found: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for path, source in sources.items():
        for table, line in writes_in(source, shared):
            found[table][module_name(path)].append(line)
    return found


def test_each_table_has_one_owner():
    found = writers()
    problems = []
    for table, modules in sorted(found.items()):
        if table == EVERY_TABLE:
            continue
        owned = {module: lines for module, lines in modules.items() if (table, module) not in ALLOWED}
        owners = {owner_of(module) for module in owned}
        if len(owners) > 1:
            where = "; ".join(
                f"{module} (lines {sorted(set(lines))})" for module, lines in sorted(owned.items())
            )
            problems.append(f"{table} is written by {len(owners)} capabilities: {where}")
    assert not problems, "\n".join(problems)


def test_writes_to_tables_chosen_at_run_time_are_allowed():
    bulk = sorted(found for found in writers().get(EVERY_TABLE, {}) if (EVERY_TABLE, found) not in ALLOWED)
    assert not bulk, f"writes to a table chosen at run time (add to ALLOWED with a reason): {bulk}"


def test_shipments_never_import_restock():
    """Restock follows shipments through events; an import the other way would be a cycle of owners."""
    found = []
    for path in sorted((DOMAIN / "shipments").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            found += [f"{module_name(path)}: {name}" for name in names if name.startswith("outreach.restock")]
    assert not found


def test_every_allowed_write_still_exists():
    found = writers()
    stale = [entry for entry in ALLOWED if entry[1] not in found.get(entry[0], {})]
    assert not stale, f"ALLOWED lists writes that no longer exist; remove them: {stale}"


def test_every_table_with_rows_from_the_app_has_a_writer():
    """The scanner sees the writes it is meant to see: every table the app fills has a writer."""
    found = writers()
    assert set(TABLE_OF.values()) <= set(found)


def test_the_scanner_sees_a_shipment_writing_a_request_row():
    """What shipments did before restock owned the request (outreach/shipments/steps.py, _sync_request)."""
    source = """
def _sync_request(session, shipment):
    request = session.get(RestockRequest, shipment.request_id)
    for line in request.lines:
        line.packs_shipped = 1
    request.status = "shipped"

def cancel(session, shipment_id):
    shipment = session.get(Shipment, shipment_id)
    request = session.get(RestockRequest, shipment.request_id)
    shipment.request_id = None
    if request is not None:
        request.status = "approved"
"""
    assert sorted(set(writes_in(source))) == [
        ("restock_request_lines", 5),
        ("restock_requests", 6),
        ("restock_requests", 13),
        ("shipments", 11),
    ]


def test_the_scanner_sees_statements_constructions_and_loaded_rows():
    source = """
def writes(session, row: StockUnit):
    session.execute(update(Location).values(name="x"))
    session.execute(postgresql.insert(StockBalance).values(on_hand=1))
    session.add(AuditEntry(actor="a"))
    user = session.scalar(select(User).where(User.id == 1))
    user.role = "admin"
    for token in session.scalars(select(RestockToken)):
        token.revoked_at = None
    row.unit_id, other = 1, 2
    found = next((line for line in session.get(Shipment, 1).lines if line.id == 2), None)
    found.quantity += 1
    session.execute(delete(Base.metadata.tables["x"]))

def reads(session, frame):
    frame.update({"a": 1})
    session.get(Organization, 1)
    names = set()
    names.add("x")
"""
    assert sorted(set(writes_in(source))) == [
        ("*", 13),
        ("audit_log", 5),
        ("locations", 3),
        ("restock_tokens", 9),
        ("shipment_lines", 12),
        ("stock_balances", 4),
        ("stock_units", 10),
        ("users", 7),
    ]


def test_the_scanner_sees_rows_loaded_through_get_or_not_found():
    source = """
def retire(session, edition_id):
    edition = get_or_not_found(session, Edition, edition_id, "gone")
    edition.status = "retired"
    mapping = db.get_or_not_found(session, RoleMapping, 1, "gone")
    mapping.role = "admin"
"""
    assert sorted(set(writes_in(source))) == [("editions", 4), ("role_mappings", 6)]
