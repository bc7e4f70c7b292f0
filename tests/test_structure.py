"""The layout a newcomer relies on: each package owns what it is about (lint-imports checks the
imports; these check what the modules hold)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOT_TABLES = {"chats", "answers", "votes", "question_counts", "seen_updates", "digests", "follows"}
BOT_SETTINGS = re.compile(r"^(telegram_|admin_ids|webhook_|llm_|(group_)?questions_per_hour)")


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _assigned(tree: ast.AST) -> list[tuple[str, ast.expr | None]]:
    """Return (name, value) for every name a class or module body binds."""
    bound = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            bound += [(t.id, node.value) for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            bound.append((node.target.id, node.value))
    return bound


def test_the_knowledge_base_holds_no_bot_table_setting_or_telegram_metric() -> None:
    found = []
    for path in _modules("index"):
        text = path.read_text()
        tree = ast.parse(text)
        for name, value in _assigned(tree):
            if name == "__tablename__" and isinstance(value, ast.Constant) and value.value in BOT_TABLES:
                found.append(f"{path.name}: table {value.value}")
            if BOT_SETTINGS.match(name):
                found.append(f"{path.name}: setting {name}")
        found += [f"{path.name}: metric {m}" for m in re.findall(r"lede_telegram\w*", text)]
    assert found == []


# Caches of the process's lifetime over what ships read-only, each with why it is not an object's.
LIFETIME_CACHES = {
    "bot/reader/model.py:shipped_reader": "the packaged model, loaded once a process, never changed",
    "bot/answer/reading.py:thresholds": "the packaged thresholds file, read once",
    "bot/clock.py:_zones": "the names of the time zones installed",
    "bot/answer/timeframe.py:warm_up": "loads dateparser's languages once (a second), not data",
}
# Prometheus's metrics are process-wide by design (its registry): only collections' Counter counts.
MUTABLE_CALLS = {"dict", "list", "set", "defaultdict", "OrderedDict", "collections.Counter", "deque"}
CACHES = {"cache", "lru_cache", "functools.cache", "functools.lru_cache"}


def _module_state(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    from_collections = {alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
                        and node.module == "collections" for alias in node.names}
    found = []
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            names = [t.id for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                     if isinstance(t, ast.Name) and t.id != "__all__"]
            value = node.value
            mutable = isinstance(value, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp) or (
                isinstance(value, ast.Call) and (ast.unparse(value.func) in MUTABLE_CALLS or ast.unparse(value.func) in from_collections))
            found += names if mutable else []
        elif isinstance(node, ast.FunctionDef):
            decorators = {ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
            found += [node.name] if decorators & CACHES else []
    return found


def test_no_module_holds_mutable_state_or_a_cache_outside_an_object() -> None:
    """Module-level dicts, lists, sets and functools caches outlive whatever they describe
    (two knowledge bases in one process shared a term-count cache): constants are tuples,
    frozensets or read-only mappings, caches belong to an object with a lifetime."""
    found = {f"{path.relative_to(ROOT)}:{name}" for package in ("bot", "index", "ingest")
             for path in _modules(package) for name in _module_state(path)}
    assert found - LIFETIME_CACHES.keys() == set()


def test_only_the_command_line_entry_point_sets_the_environment() -> None:
    writes = []
    for package in ("bot", "index", "ingest"):
        for path in _modules(package):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and ast.unparse(node.func) in {
                        "os.environ.setdefault", "os.environ.update", "os.putenv"}:
                    writes.append(str(path.relative_to(ROOT)))
                if isinstance(node, ast.Assign) and any(ast.unparse(t).startswith("os.environ[") for t in node.targets):
                    writes.append(str(path.relative_to(ROOT)))
    assert set(writes) <= {"bot/cli/__init__.py"}


MAX_LINES = 300
# Names that several packages use for the same job: their Prometheus counters, their settings.
SHARED_NAMES = {"__init__.py", "metrics.py", "settings.py"}


def test_modules_are_small_and_no_two_share_a_name_for_different_jobs() -> None:
    modules = [path for package in ("bot", "index", "ingest") for path in _modules(package)
               if "migrations" not in path.parts]
    long = {str(path.relative_to(ROOT)): n for path in modules if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}
    names: dict[str, list[str]] = {}
    for path in modules:
        names.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert {name: paths for name, paths in names.items() if len(paths) > 1 and name not in SHARED_NAMES} == {}
