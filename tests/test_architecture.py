"""The layout of the package: imports run one way between stages, sizes stay readable.

Read with ``ast`` from the source, so the test sees what a newcomer reads. The stages,
in the order data flows (docs/ARCHITECTURE.md):

    scenario -> sim -> runs -> store -> sweep -> analysis -> figures -> validation
    -> dashboard -> cli

A module may import from its own stage and from stages before it, never from a later
one. ``version``, ``stats`` and ``text`` are leaves that any stage may use (they import
nothing else of govsim's). No module imports the package face (``from govsim import
X``): that is for users. Imports sit at the top of a file, except in the CLI, which
loads heavy verbs lazily and says why at each, and under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "model"
STAGES = (
    "scenario",
    "sim",
    "runs",
    "store",
    "sweep",
    "analysis",
    "figures",
    "validation",
    "dashboard",
    "cli",
)
LEAVES = ("version", "stats", "text")
#: Longest module and function a reader is asked to take in at once.
MAX_MODULE_LINES = 520
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


def _dotted(path: Path) -> str:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["govsim", *parts])


def _stage(module: str) -> str | None:
    """The stage a dotted govsim module belongs to (None for the package face)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _rank(stage: str) -> int:
    return -1 if stage in LEAVES else STAGES.index(stage)


def _imports(tree: ast.Module, module: str) -> list[tuple[ast.stmt, str, bool]]:
    """(node, imported govsim module, at top level or under TYPE_CHECKING) of a module."""
    found = []
    allowed_nodes = set()
    for node in tree.body:
        allowed_nodes.add(id(node))
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            allowed_nodes.update(id(inner) for inner in node.body)
    package = module if module.count(".") and _is_package(module) else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [base] if base != "govsim" else [f"govsim.{a.name}" for a in node.names]
        else:
            continue
        found.extend(
            (node, target, id(node) in allowed_nodes)
            for target in targets
            if target == "govsim" or target.startswith("govsim.")
        )
    return found


def _is_package(module: str) -> bool:
    relative = module.split(".")[1:]
    return (SOURCE.joinpath(*relative) / "__init__.py").exists()


def _face_names() -> set[str]:
    """Names the package face exports that are not subpackages or modules."""
    tree = ast.parse((SOURCE / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__":
            names = {ast.literal_eval(element) for element in node.value.elts}
            return {
                n for n in names if not (SOURCE / n).exists() and not (SOURCE / f"{n}.py").exists()
            }
    return set()


def test_every_module_belongs_to_a_stage():
    strays = [
        str(path.relative_to(SOURCE))
        for path in _modules()
        if path != SOURCE / "__init__.py" and _stage(_dotted(path)) not in (*STAGES, *LEAVES)
    ]
    assert not strays, f"modules outside the stages {STAGES + LEAVES}: {strays}"


def test_imports_run_one_way_between_stages():
    face = _face_names()
    against = []
    for path in _modules():
        module = _dotted(path)
        stage = _stage(module)
        if stage is None:
            continue  # the package face re-exports every stage, lazily
        for node, target, _ in _imports(ast.parse(path.read_text()), module):
            where = f"{path.relative_to(SOURCE)}:{node.lineno}"
            name = target.split(".")[1] if target.count(".") else ""
            if target == "govsim" or name in face:
                against.append(f"{where} imports the package face ({target})")
                continue
            imported = _stage(target)
            if imported not in (*STAGES, *LEAVES):
                against.append(f"{where} imports {target}, which is in no stage")
            elif stage in LEAVES and imported != stage and imported != "version":
                against.append(f"{where}: the leaf {stage} imports {target}")
            elif _rank(imported) > _rank(stage):
                against.append(f"{where}: {stage} imports {target} ({imported}, a later stage)")
    assert not against, "imports against the flow:\n" + "\n".join(against)


def test_imports_sit_at_the_top_except_the_cli_lazy_verbs():
    hidden = []
    for path in _modules():
        module = _dotted(path)
        source = path.read_text().splitlines()
        for node, target, top in _imports(ast.parse(path.read_text()), module):
            if top:
                continue
            where = f"{path.relative_to(SOURCE)}:{node.lineno}"
            if _stage(module) != "cli":
                hidden.append(f"{where} imports {target} inside a function")
            elif (
                "PLC0415 -" not in source[node.lineno - 1]
                and "PLC0415 -" not in source[node.end_lineno - 1]
            ):
                hidden.append(f"{where}: lazy import of {target} without its reason")
    assert not hidden, "\n".join(hidden)


def _lines(path: Path) -> int:
    return len(path.read_text().splitlines())


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SOURCE)))
def test_modules_and_functions_stay_readable(path: Path):
    assert _lines(path) <= MAX_MODULE_LINES, f"{path.name}: {_lines(path)} lines"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines in {path.name}: {long}"
