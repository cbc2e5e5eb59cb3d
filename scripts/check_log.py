"""Judge the logs of Odoo test runs: tests passed, failed and skipped, and browser tours run against those that exist.

Usage: python3 scripts/check_log.py --run LOG MODULES TAGS [--run LOG MODULES TAGS ...] [--log LOG ...]

LOG is the log of one Odoo process run with --test-enable, MODULES the comma-separated modules of this repository
whose tests it could run (account_dunning, or the bridges under bridges/), TAGS its --test-tags. The tours that
exist are the `start_tour(` and `browser_js(` calls (directly or through a helper of the test files) of the test
methods that TAGS selects, found by reading the test code as Odoo's test loader does (the `test_*` modules imported
by tests/__init__.py, their classes' own `test*` methods, their @tagged tags matched by Odoo's TagsSelector). A tour
ran when its test logged the success signal from the browser ("tour succeeded", or "test successful" for
browser_js). A log given with --log (an install without tests) is judged by its records only.

A run fails on a failing or erroring test, on any skipped test (Odoo skips the browser tests when websocket-client
or Chromium is missing, and counts them as run), on fewer tours run than exist, on any ERROR or CRITICAL log record,
on a WARNING that names the module, or when Odoo reported no test result at all. Prints the problems (lines
starting with "PROBLEM:"), then "N tours ran (of N)" and "N passed, N failed, N skipped".
"""

import argparse
import ast
import collections
import importlib.util
import pathlib
import re
import sys
import types

import odoo

REPO = pathlib.Path(__file__).resolve().parent.parent
MODULE = "account_dunning"
RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>\S+): ")
RESULT = re.compile(r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<total>\d+) tests when loading database")
SKIPPED = re.compile(r"^skipped (?P<test>.+?) : (?P<reason>.*)$")
TOUR_DONE = re.compile(r"\.(?P<test>\w+\.\w+)\.browser$")
TOUR_SIGNALS = ("tour succeeded", "test successful")
BROWSER_CALLS = {"start_tour", "browser_js"}
DEFAULT_TAGS = frozenset({"standard", "at_install"})
HINTS = {
    "websocket-client": "install the requirements: pip install -r requirements.txt (websocket-client drives Chromium)",
    "Chrome": "install Chromium (apt-get install chromium): Odoo runs the browser tours in headless Chromium",
}


# --- the tours that exist -------------------------------------------------------------------------------------


def tags_selector():
    """Odoo's own TagsSelector, read from its file: importing odoo.tests would set up the test framework."""
    spec = importlib.util.spec_from_file_location(
        "odoo_tag_selector", pathlib.Path(odoo.__file__).parent / "tests" / "tag_selector.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TagsSelector


def tests_folder(module):
    return REPO / "tests" if module == MODULE else REPO / "bridges" / module / "tests"


def test_module_names(folder):
    """The `test_*` modules imported by the tests package, as Odoo's loader finds them."""
    init = folder / "__init__.py"
    if not init.exists():
        return []
    names = []
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module:
            names += [alias.asname or alias.name for alias in node.names]
    return [name for name in names if name.startswith("test_")]


def browser_calls(function):
    """(direct start_tour/browser_js calls, names of the other methods or functions it calls) of a function."""
    direct, called = 0, set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in BROWSER_CALLS:
                direct += 1
            elif name:
                called.add(name)
    return direct, called


def tour_counter(folder):
    """A function giving the browser calls of a function of the test files, through the helpers it calls."""
    functions = {}
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("test"):
                functions.setdefault(node.name, []).append(node)

    def count(function, seen=frozenset()):
        direct, called = browser_calls(function)
        for name in called - seen:
            # a helper defined more than once (in two classes): the largest count, never fewer tours than exist
            direct += max((count(helper, seen | {name}) for helper in functions.get(name, ())), default=0)
        return direct

    return count


def class_tags(node, known):
    """The test tags of a class, as odoo.tests.tagged computes them (tags inherited from a known base)."""
    tags = set(DEFAULT_TAGS)
    for base in node.bases:
        if isinstance(base, ast.Name) and base.id in known:
            tags = set(known[base.id])
            break
    for decorator in reversed(node.decorator_list):
        if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", None) == "tagged":
            values = [arg.value for arg in decorator.args if isinstance(arg, ast.Constant)]
            tags = (tags | {tag for tag in values if not tag.startswith("-")}) - {
                tag[1:] for tag in values if tag.startswith("-")
            }
    return tags


def existing_tours(module):
    """[("Class.method", test as the TagsSelector sees it, number of browser tours)] of a module's test methods."""
    folder = tests_folder(module)
    count = tour_counter(folder)
    found = []
    for name in test_module_names(folder):
        known = {}
        for node in ast.parse((folder / f"{name}.py").read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.ClassDef):
                continue
            known[node.name] = tags = class_tags(node, known)
            for method in node.body:
                if isinstance(method, ast.FunctionDef) and method.name.startswith("test"):
                    test = types.SimpleNamespace(
                        test_tags=tags,
                        test_module=module,
                        test_class=node.name,
                        _testMethodName=method.name,
                        __module__=f"odoo.addons.{module}.tests.{name}",
                    )
                    found.append((f"{node.name}.{method.name}", test, count(method)))
    return found


def expected_tours(modules, tags):
    """{"Class.method": tours} of the test methods that the tags select in these modules."""
    selector_class = tags_selector()
    selector, position = selector_class(tags), selector_class("at_install,post_install")
    expected = {}
    for module in modules:
        for name, test, tours in existing_tours(module):
            if tours and selector.check(test) and position.check(test):
                expected[name] = tours
    return expected


# --- what the log says ----------------------------------------------------------------------------------------


def read_log(path):
    """(result match or None, skipped [(test, reason)], tours run per "Class.method", problem lines) of a log."""
    result, skipped, problems = None, [], []
    tours = collections.Counter()
    if not pathlib.Path(path).exists():
        return result, skipped, tours, problems
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = RECORD.match(line)
            if not match:
                continue
            level, logger, message = match["level"], match["logger"], line[match.end() :].rstrip()
            if level in ("ERROR", "CRITICAL") or (level == "WARNING" and MODULE in line[match.end("db") :]):
                problems.append(line.rstrip())
            if skip := SKIPPED.match(message):
                skipped.append((skip["test"], skip["reason"]))
            if message in TOUR_SIGNALS and (done := TOUR_DONE.search(logger)):
                tours[done["test"]] += 1
            if found := RESULT.search(line):
                result = found
    return result, skipped, tours, problems


def judge(path, modules, tags):
    """(passed, failed, skipped, tours run, tours expected, problems) of one run."""
    result, skipped, tours, problems = read_log(path)
    if result is None:
        problems.append(f"{pathlib.Path(path).name}: no test result was reported: did the module install?")
        failed, total = 1, 0
    else:
        failed = int(result["failed"]) + int(result["errors"])
        total = int(result["total"])
        if total == 0:
            problems.append(f"{pathlib.Path(path).name}: no test ran")
    for test, reason in skipped:
        hint = next((f" ({text})" for key, text in HINTS.items() if key in reason), "")
        problems.insert(0, f"skipped: {test}: {reason}{hint}")
    expected = expected_tours(modules, tags)
    for test, count in sorted(expected.items()):
        if tours[test] < count:
            problems.insert(len(skipped), f"tour not run to its end: {test} ({tours[test]} of {count})")
    ran = sum(min(tours[test], count) for test, count in expected.items())
    passed = max(total - failed - len([test for test, _ in skipped if not test.startswith("setUpClass")]), 0)
    return passed, failed, len(skipped), ran, sum(expected.values()), problems


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--run", nargs=3, action="append", required=True, metavar=("LOG", "MODULES", "TAGS"))
    parser.add_argument("--log", nargs="*", default=[], help="logs judged by their records only")
    args = parser.parse_args(argv)
    totals = [0, 0, 0, 0, 0]
    problems = []
    for path in args.log:
        problems += read_log(path)[3]
    for path, modules, tags in args.run:
        *counts, run_problems = judge(path, modules.split(","), tags)
        totals = [total + count for total, count in zip(totals, counts, strict=True)]
        problems += run_problems
    passed, failed, skipped, ran, expected = totals
    if ran < expected:
        problems.insert(0, f"only {ran} of the {expected} browser tours ran")
    for problem in problems[:40]:
        print("PROBLEM:", problem)
    print(f"{ran} tours ran (of {expected})")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if problems or failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
