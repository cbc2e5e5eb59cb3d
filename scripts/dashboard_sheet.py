"""The Dashboard sheet of the Collections dashboard: headline, trends, what is overdue today and who owes it, what
the follow-ups bring in and what the customers answered. Eight columns of 125 pixels; figures are placed on rows
sized for them.
"""

import dashboard_data_sheet as data
from dashboard_book import xc

#: column widths (pixels): the tables below share them
COLS = (135, 165, 150, 105, 150, 100, 105, 90)
TITLE = {"bold": True, "fontSize": 16, "textColor": "#01666b"}
SECTION = {"bold": True, "fontSize": 14, "textColor": "#01666b", "verticalAlign": "bottom"}
HEADER = {"bold": True, "textColor": "#434343", "fillColor": "#f2f2f2", "verticalAlign": "middle"}
HEADER_RIGHT = {**HEADER, "align": "right"}
BODY = {"textColor": "#434343", "verticalAlign": "middle"}
NOTE = {"italic": True, "textColor": "#666666", "fontSize": 9, "verticalAlign": "middle"}
RULE = {"bottom": {"style": "thin", "color": "#CCCCCC"}}
UP_BAD, UP_GOOD = ("#DC6965", "#00A04A"), ("#00A04A", "#DC6965")
MENU = "odoo://ir_menu_xml_id/account_dunning."
PERCENT, AMOUNT, DAYS, DATE = "0.0%", "#,##0", "0", "dd mmm yyyy"

#: rows of the sheet (1-based); each section starts with its title row
R_TITLE, R_SUBTITLE, R_NOTE, R_CARDS_1, R_CARDS_2 = 1, 2, 3, 4, 5
R_TRENDS, R_TREND_CHARTS = 6, 7
R_OVERDUE, R_OVERDUE_HEADER = 8, 9
R_DEBTORS, R_DEBTORS_HEADER = 16, 17
R_LEVELS, R_LEVELS_HEADER, LEVEL_ROWS = 29, 30, 8
R_CHANNELS, R_CHANNELS_HEADER = 40, 41
DEBTOR_ROWS = 10


def link(text, menu):
    return f"[{text}]({MENU}{menu})"


def section(sheet, row, text, menu=None, note=None):
    """A section title (a link to the report behind it), with a note on the right."""
    sheet.size_row(row, 44)
    sheet.put(f"A{row}", link(text, menu) if menu else data.label(text), style=SECTION)
    sheet.merge(f"A{row}", f"D{row}")
    if note:
        sheet.put(f"E{row}", data.label(note), style={**NOTE, "verticalAlign": "bottom", "align": "right"})
        sheet.merge(f"E{row}", f"H{row}")


def header(sheet, row, titles, first_col=0, left=1):
    """A table's header row: a title per column (None: merged with the previous one); the first `left` columns are
    aligned left (text), the others right (figures)."""
    sheet.size_row(row, 30)
    for offset, title in enumerate(titles):
        style = HEADER if offset < left else HEADER_RIGHT
        content = data.label(title) if title else None
        sheet.put(xc(first_col + offset, row), content, style=style, border=RULE)


def body(sheet, reference, content, fmt=None, right=False):
    sheet.put(reference, content, style={**BODY, "align": "right"} if right else BODY, fmt=fmt, border=RULE)


def headline(sheet):
    """The title, the month shown and six figures of that month, each with its change on the month before."""
    sheet.size_row(R_TITLE, 40)
    sheet.put("A1", data.label("Collections"), style=TITLE)
    sheet.merge("A1", "D1")
    sheet.size_row(R_SUBTITLE, 26)
    month = f"Data!$B${data.MONTH}"
    sheet.put(
        f"A{R_SUBTITLE}",
        f'=IF({month}="",Data!{data.TEXT_NO_MONTH},TEXT({month},"{data.MONTH_FORMAT}")&", "&Data!{data.TEXT_COMPARED}'
        f'&" "&TEXT(Data!$B${data.PREVIOUS},"{data.MONTH_FORMAT}"))',
        style={"bold": True, "fontSize": 12, "textColor": "#434343"},
    )
    sheet.merge(f"A{R_SUBTITLE}", f"H{R_SUBTITLE}")
    sheet.size_row(R_NOTE, 22)
    sheet.put(f"A{R_NOTE}", f'=IF(Data!$B${data.COMPANIES}>1,Data!{data.TEXT_COMPANIES},"")', style=NOTE)
    sheet.merge(f"A{R_NOTE}", f"H{R_NOTE}")
    for row in (R_CARDS_1, R_CARDS_2):
        sheet.size_row(row, 124)
    for index, (row, text, _measure, _fmt, _percent, rise) in enumerate(data.HEADLINE):
        up, down = UP_BAD if rise == "bad" else UP_GOOD
        sheet.add_figure(
            f"0f3a6c2e-51d4-4b8e-a1c7-9e2d4f6b8a{index:02d}",
            0,
            R_CARDS_1 + index // 3,
            320,
            112,
            {
                "type": "scorecard",
                "title": {"text": text, "color": "#434343", "bold": True},
                "keyValue": f"Data!B{row}",
                "baseline": f"Data!C{row}",
                "baselineMode": "difference",
                "baselineDescr": "since the month before",
                "baselineColorUp": up,
                "baselineColorDown": down,
                "background": "#F8F9FA",
                "humanize": False,
            },
            dx=(index % 3) * 340,
            dy=6,
        )


def trends(sheet):
    """Two charts over the twelve months ending with the month shown: DSO and CEI; overdue and its old part."""
    section(
        sheet, R_TRENDS, "Trends over twelve months", "account_dunning_kpi_menu", "The whole company, month by month"
    )
    sheet.size_row(R_TREND_CHARTS, 300)
    labels = f"Data!A{data.TREND_FIRST}:A{data.TREND_FIRST + data.TREND_MONTHS - 1}"
    last = data.TREND_FIRST + data.TREND_MONTHS - 1

    def series(col, axis="y"):
        return {"dataRange": f"Data!{col}{data.TREND_HEADER}:{col}{last}", "yAxisId": axis}

    common = {"dataSetsHaveTitle": True, "labelRange": labels, "legendPosition": "top", "labelsAsText": True}
    common.update({"stacked": False, "aggregated": False, "background": "#FFFFFF"})
    sheet.add_figure(
        "3b7d9f1a-2c4e-4f6a-8b0d-1e3f5a7c9e01",
        0,
        R_TREND_CHARTS,
        490,
        290,
        {**common, "type": "line", "title": {"text": "DSO and CEI"}, "dataSets": [series("B"), series("C", "y1")]},
        dy=5,
    )
    sheet.add_figure(
        "3b7d9f1a-2c4e-4f6a-8b0d-1e3f5a7c9e02",
        4,
        R_TREND_CHARTS,
        490,
        290,
        {**common, "type": "bar", "title": {"text": "Overdue receivables"}, "dataSets": [series("D"), series("E")]},
        dx=10,
        dy=5,
    )
