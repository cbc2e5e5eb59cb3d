"""A small writer of o-spreadsheet workbooks (the JSON that Odoo's dashboards load), for scripts/build_dashboard.py.

It knows only what the Collections dashboard needs: cells with a style, a number format and borders, merges, row
and column sizes, chart figures, and the Odoo data sources (pivots, lists, global filters). The file has the format
of the dashboards Odoo 18 ships (o-spreadsheet data version 21, Odoo version 12); o-spreadsheet migrates it on load.
"""

import json
import re

DEFAULT_ROW_SIZE = 23
DEFAULT_COL_SIZE = 96
LOCALE = {
    "name": "English (US)",
    "code": "en_US",
    "thousandsSeparator": ",",
    "decimalSeparator": ".",
    "dateFormat": "mm/dd/yyyy",
    "timeFormat": "hh:mm:ss",
    "formulaArgSeparator": ",",
    "weekStart": 7,
}


def col_letter(index):
    """0 -> A, 25 -> Z (the dashboard never goes past Z)."""
    return chr(ord("A") + index)


def xc(col, row):
    """A cell's reference from a 0-based column and a 1-based row: xc(0, 1) == "A1"."""
    return f"{col_letter(col)}{row}"


def split_xc(reference):
    """ "B12" -> (1, 12)."""
    match = re.fullmatch(r"([A-Z])(\d+)", reference)
    return ord(match[1]) - ord("A"), int(match[2])


class Registry:
    """Numbered definitions shared by the sheets (styles, formats, borders): the same definition, the same id."""

    def __init__(self):
        self.ids = {}

    def id(self, definition):
        key = json.dumps(definition, sort_keys=True)
        if key not in self.ids:
            self.ids[key] = len(self.ids) + 1
        return self.ids[key]

    def to_json(self):
        return {str(number): json.loads(key) for key, number in self.ids.items()}


class Sheet:
    """One sheet: cells, their looks, row and column sizes, merges and figures."""

    def __init__(self, book, sheet_id, name, col_sizes, col_count=8, row_count=60):
        self.book = book
        self.id = sheet_id
        self.name = name
        self.col_sizes = dict(enumerate(col_sizes))
        self.col_count = max(col_count, len(col_sizes))
        self.row_count = row_count
        self.row_sizes = {}
        self.cells, self.styles, self.formats, self.borders = {}, {}, {}, {}
        self.merges, self.figures = [], []

    def put(self, reference, content, style=None, fmt=None, border=None):
        """Write a cell (a value, a formula, or a markdown link) with its style, number format and border."""
        if content is not None and content != "":
            self.cells[reference] = {"content": str(content) if not isinstance(content, str) else content}
        if style:
            self.styles[reference] = self.book.styles.id(style)
        if fmt:
            self.formats[reference] = self.book.formats.id(fmt)
        if border:
            self.borders[reference] = self.book.borders.id(border)

    def merge(self, first, last):
        self.merges.append(f"{first}:{last}")

    def size_row(self, row, size):
        self.row_sizes[row - 1] = size
        self.row_count = max(self.row_count, row)

    def top(self, row):
        """The y offset in pixels of a 1-based row, where figures are placed."""
        return sum(self.row_sizes.get(index, DEFAULT_ROW_SIZE) for index in range(row - 1))

    def left(self, col):
        return sum(self.col_sizes.get(index, DEFAULT_COL_SIZE) for index in range(col))

    def add_figure(self, figure_id, col, row, width, height, data, dx=0, dy=0):
        """A chart at the top left corner of a cell (plus an offset), of a size in pixels."""
        self.figures.append(
            {
                "id": figure_id,
                "x": self.left(col) + dx,
                "y": self.top(row) + dy,
                "width": width,
                "height": height,
                "tag": "chart",
                "data": data,
            }
        )

    def to_json(self):
        return {
            "id": self.id,
            "name": self.name,
            "colNumber": self.col_count,
            "rowNumber": self.row_count,
            "rows": {str(index): {"size": size} for index, size in sorted(self.row_sizes.items())},
            "cols": {str(index): {"size": size} for index, size in sorted(self.col_sizes.items())},
            "merges": self.merges,
            "cells": dict(sorted(self.cells.items(), key=lambda item: split_xc(item[0])[::-1])),
            "styles": self.styles,
            "formats": self.formats,
            "borders": self.borders,
            "conditionalFormats": [],
            "figures": self.figures,
            "tables": [],
            "areGridLinesVisible": False,
            "isVisible": True,
            "headerGroups": {"ROW": [], "COL": []},
            "dataValidationRules": [],
            "comments": {},
        }


class Book:
    """The workbook: its sheets, the shared looks, and the Odoo data sources and filters."""

    def __init__(self):
        self.styles, self.formats, self.borders = Registry(), Registry(), Registry()
        self.sheets = []
        self.pivots, self.lists = {}, {}
        self.global_filters = []
        self.menus = {}

    def add_sheet(self, *args, **kwargs):
        sheet = Sheet(self, *args, **kwargs)
        self.sheets.append(sheet)
        return sheet

    def to_json(self):
        return {
            "version": 21,
            "sheets": [sheet.to_json() for sheet in self.sheets],
            "styles": self.styles.to_json(),
            "formats": self.formats.to_json(),
            "borders": self.borders.to_json(),
            "revisionId": "START_REVISION",
            "uniqueFigureIds": True,
            "settings": {"locale": LOCALE},
            "pivots": self.pivots,
            "pivotNextId": len(self.pivots) + 1,
            "customTableStyles": {},
            "odooVersion": 12,
            "globalFilters": self.global_filters,
            "lists": self.lists,
            "listNextId": len(self.lists) + 1,
            "chartOdooMenusReferences": self.menus,
        }
