"""Judge Odoo test logs: print 'N passed, N failed' (summed) and exit non-zero on any problem.

A run fails on a failing or erroring test, on any ERROR or CRITICAL log record,
on a WARNING that names the module, or when Odoo reported no test result at all.
"""

import re
import sys

RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>\S+): ")
RESULT = re.compile(r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<total>\d+) tests when loading database")
MODULE = "account_dunning"


def judge(path):
    """(passed, failed, problems) of one log."""
    problems = []
    result = None
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = RECORD.match(line)
            if not match:
                continue
            level = match["level"]
            ours = MODULE in line[match.end("db") :]  # the database name may hold it too
            if level in ("ERROR", "CRITICAL") or (level == "WARNING" and ours):
                problems.append(line.rstrip())
            found = RESULT.search(line)
            if found:
                result = found
    if result is None:
        problems.append("no test result was reported: did the module install?")
        failed, total = 1, 0
    else:
        failed = int(result["failed"]) + int(result["errors"])
        total = int(result["total"])
    if total == 0 and result is not None:
        problems.append("no test ran")
    return (total - failed if result else 0), failed, problems


def main(paths):
    passed = failed = 0
    problems = []
    for path in paths:
        log_passed, log_failed, log_problems = judge(path)
        passed += log_passed
        failed += log_failed
        problems += log_problems
    for problem in problems[:40]:
        print("PROBLEM:", problem)
    print(f"{passed} passed, {failed} failed")
    return 1 if problems or failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
