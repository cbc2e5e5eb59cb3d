"""Write the Collections dashboard of the bridge account_dunning_spreadsheet_dashboard: its o-spreadsheet JSON and the
sample shown while a database has no KPIs.

Usage: python3 scripts/build_dashboard.py [--check]

The dashboard is described in Python (scripts/dashboard_*.py) rather than edited by hand: its formulas refer to each
other by row and column, its figures are placed in pixels over sized rows, and its sample must keep the same
layout. With --check nothing is written: the command fails when a file differs from what it would write.
"""

import json
import os
import sys

import dashboard_data_sheet
import dashboard_sheet
import dashboard_tables
from dashboard_book import Book
from dashboard_sources import global_filters, lists, pivots

FILES = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "bridges",
    "account_dunning_spreadsheet_dashboard",
    "data",
    "files",
)


def build(sample=False):
    """The workbook as a dict: the Dashboard sheet first (the one shown), then the Data sheet."""
    book = Book()
    sheet = book.add_sheet("dashboard", "Dashboard", dashboard_sheet.COLS, col_count=9, row_count=50)
    dashboard_data_sheet.build_data_sheet(book, sample=sample)
    dashboard_sheet.headline(sheet)
    dashboard_sheet.trends(sheet)
    dashboard_tables.overdue(sheet, sample)
    dashboard_tables.debtors(sheet, sample)
    dashboard_tables.levels(sheet, sample)
    dashboard_tables.channels_and_answers(sheet, sample)
    if not sample:
        book.pivots, book.lists, book.global_filters = pivots(), lists(), global_filters()
    return book.to_json()


def main(argv):
    check = "--check" in argv
    different = []
    for name, sample in (("collections_dashboard.json", False), ("collections_sample_dashboard.json", True)):
        text = json.dumps(build(sample), indent=1, ensure_ascii=False) + "\n"
        path = os.path.join(FILES, name)
        if check:
            with open(path, encoding="utf-8") as file:
                if file.read() != text:
                    different.append(path)
            continue
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        print(path)
    if different:
        raise SystemExit(f"not what scripts/build_dashboard.py writes: {', '.join(different)}")


if __name__ == "__main__":
    main(sys.argv[1:])
