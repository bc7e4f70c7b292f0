"""Count the hand-written rules of a package: module-level constants, word lists and regexes.

    python -m bot.evaluation.rules bot/answer           # this checkout
    git worktree add /tmp/old 46bda6d && python -m bot.evaluation.rules /tmp/old/bot/answer

A constant is a module-level UPPER_CASE name; a word list a list, set, tuple or dict literal of four
or more strings (anywhere in a module); a regex a call to `re.compile`, `re.search`, `re.match`,
`re.fullmatch`, `re.sub`, `re.findall` or `re.finditer`. Learned weights and fitted thresholds in
data files are not rules and are not counted.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

_REGEX_CALLS = frozenset({"compile", "search", "match", "fullmatch", "sub", "findall", "finditer", "split"})
MIN_WORDS = 4  # a literal of fewer strings is a small choice, not a word list


def count(folder: Path) -> dict[str, int]:
    """Return the constants, word lists and regexes of the Python files in `folder`."""
    totals = {"modules": 0, "constants": 0, "word_lists": 0, "regexes": 0, "lines": 0}
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        totals["modules"] += 1
        totals["lines"] += len(path.read_text(encoding="utf-8").splitlines())
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
            totals["constants"] += sum(isinstance(t, ast.Name) and t.id.lstrip("_").isupper() for t in targets)
        for found in ast.walk(tree):
            if isinstance(found, ast.List | ast.Set | ast.Tuple | ast.Dict):
                items = found.keys if isinstance(found, ast.Dict) else found.elts
                strings = sum(isinstance(i, ast.Constant) and isinstance(i.value, str) for i in items)
                totals["word_lists"] += strings >= MIN_WORDS
            elif isinstance(found, ast.Call) and isinstance(found.func, ast.Attribute) and found.func.attr in _REGEX_CALLS:
                totals["regexes"] += isinstance(found.func.value, ast.Name) and found.func.value.id == "re"
    return totals


if __name__ == "__main__":
    for argument in sys.argv[1:] or ["bot/answer"]:
        print(argument, json.dumps(count(Path(argument))))
