"""The house rules of service/, read from the source: imports flow one way (desk → domains →
db), only the unit of work commits, and every query lives in a repository module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "service"
QUERY_CALLS = {"select", "update", "delete", "insert"}
SESSION_READS = {"get", "scalar", "scalars", "execute", "query"}


def _modules():
    for path in sorted(SERVICE.rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        yield name, path, ast.parse(path.read_text(), str(path))


def _imports(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _top_level_imports(tree: ast.Module) -> set[str]:
    """Imports that run when the module loads (not those deferred inside functions)."""
    return _imports(ast.Module(body=[n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)], type_ignores=[]))


def test_imports_flow_one_way():
    for name, _, tree in _modules():
        imported = _imports(tree)
        assert not any(i == "tests" or i.startswith("tests.") for i in imported), name
        if not name.startswith(("service.desk", "service.app")):
            assert not any(i.startswith("service.desk") for i in imported), (
                f"{name} imports the desk: domains must not depend on it"
            )
        if name.startswith("service.db"):
            assert not any(
                i.startswith("service.") and not i.startswith(("service.db", "service.settings"))
                for i in imported
            ), f"{name}: db depends on nothing above it"


def test_no_import_cycles_at_load_time():
    graph = {}
    for name, _, tree in _modules():
        graph[name] = {i for i in _top_level_imports(tree) if i.startswith("service")}
    names = set(graph)
    edges = {n: {i if i in names else i.rsplit(".", 1)[0] for i in deps} & names - {n}
             for n, deps in graph.items()}
    visiting, done = set(), set()

    def visit(node, path):
        if node in done:
            return
        assert node not in visiting, "import cycle: " + " → ".join([*path, node])
        visiting.add(node)
        for nxt in sorted(edges[node]):
            visit(nxt, [*path, node])
        visiting.discard(node)
        done.add(node)

    for node in sorted(edges):
        visit(node, [])


def test_only_the_unit_of_work_commits_and_repositories_query():
    for name, path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if isinstance(func, ast.Attribute) and func.attr == "commit":
                assert name == "service.db.session", f"{where} commits outside the unit of work"
            is_query = (isinstance(func, ast.Name) and func.id in QUERY_CALLS) or (
                isinstance(func, ast.Attribute) and func.attr in SESSION_READS
                and isinstance(func.value, ast.Name) and func.value.id == "session"
            )
            if is_query:
                assert name.endswith(".repository") or name.startswith("service.db."), (
                    f"{where} queries outside a repository module"
                )
