"""Check that the code reads room by room: no Python file over 400 lines, no function over 50 lines.

Usage: python3 scripts/check_size.py [ROOT]

Lines of multi-line strings inside a function (SQL text, docstrings) do not count towards its length.
Prints each offence and exits non-zero when there is one.
"""

import ast
import pathlib
import sys

MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 50
SKIPPED_DIRS = {".git", ".demo", ".bench", "demo_output", "node_modules", "__pycache__"}


def string_lines(node):
    """Line numbers taken by the multi-line string constants inside a node (their text, not their code)."""
    lines = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str) and child.end_lineno > child.lineno:
            lines.update(range(child.lineno + 1, child.end_lineno + 1))
    return lines


def offences(path):
    text = path.read_text(encoding="utf-8")
    found = []
    count = len(text.splitlines())
    if count > MAX_FILE_LINES:
        found.append(f"{path}: {count} lines (at most {MAX_FILE_LINES})")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            span = set(range(node.lineno, node.end_lineno + 1)) - string_lines(node)
            if len(span) > MAX_FUNCTION_LINES:
                found.append(
                    f"{path}:{node.lineno}: {node.name}() has {len(span)} lines of code (at most {MAX_FUNCTION_LINES})"
                )
    return found


def main(root):
    found = []
    for path in sorted(pathlib.Path(root).rglob("*.py")):
        if not SKIPPED_DIRS & set(path.parts):
            found += offences(path)
    for offence in found:
        print("SIZE:", offence)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
