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
