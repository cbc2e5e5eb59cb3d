"""The Data sheet of the Collections dashboard: the month shown, the headline figures of that month and the one
before, the twelve months of the trends, and the texts the Dashboard sheet's formulas assemble.

Each cell is a formula on the Odoo data sources, or in the sample (``sample=True``, shown while a database has no
KPIs) a fixed value. Rows and columns are named here so that the Dashboard sheet and the tests refer to them.
"""

from dashboard_sources import AGING_BUCKETS, KPI_PIVOT, MONTH_LIST, OVERDUE_PIVOT, SEGMENTS

MONTH, PREVIOUS, COMPANIES = 1, 2, 3
#: headline rows: (row, label, KPI measure, number format, divided by 100 (a percentage), colour when it rises)
HEADLINE = (
    (6, "DSO, countback (days)", "dso_countback", "0.0", False, "bad"),
    (7, "CEI", "cei", "0.0%", True, "good"),
    (8, "Overdue receivables", "overdue_ar", None, False, "bad"),
    (9, "Overdue share of receivables", "overdue_share", "0.0%", True, "bad"),
    (10, "Overdue more than 60 days", "overdue_60_ar", None, False, "bad"),
    (11, "Customers at formal notice", "formal_notice_count", "0", False, "bad"),
)
TEXT_COMPARED, TEXT_NO_MONTH, TEXT_COMPANIES = "A13", "A14", "A15"
TREND_HEADER, TREND_FIRST, TREND_MONTHS = 17, 18, 12
#: trend columns: (column, header, KPI measure, number format)
TREND = (
    ("B", "DSO, countback (days)", "dso_countback", "0.0"),
    ("C", "CEI (%)", "cei", "0.0"),
    ("D", "Overdue", "overdue_ar", None),
    ("E", "Overdue more than 60 days", "overdue_60_ar", None),
)
TREND_KEY = "F"  # the month as the pivot names it, "MM/YYYY"
MONTH_FORMAT, SHORT_MONTH_FORMAT = "mmmm yyyy", "mmm yyyy"
#: what customers owe today by aging bucket (rows) and risk segment (columns B to F): the aging chart's data
AGING_HEADER = 32
SEGMENT_LABELS = {
    "new": "New",
    "good": "Good payer",
    "occasional": "Occasional late payer",
    "risky": "Risky",
    "bad": "Bad payer",
}
BUCKET_LABELS = {"1_30": "1-30 Days", "31_60": "31-60 Days", "61_90": "61-90 Days", "91_more": "Over 90 Days"}
SAMPLE_AGING = {  # per bucket, the segments' amounts in the order of SEGMENTS
    "1_30": (6200, 15900, 23400, 17600, 8700),
    "31_60": (2000, 3400, 15700, 18500, 10500),
    "61_90": (0, 2100, 6300, 12800, 13400),
    "91_more": (0, 0, 3500, 12400, 11900),
}

#: the sample: the month shown and the one before, then twelve months oldest first
SAMPLE_HEADLINE = {
    "dso_countback": (47.8, 51.2),
    "cei": (78.4, 74.9),
    "overdue_ar": (184300, 196750),
    "overdue_share": (31.2, 33.5),
    "overdue_60_ar": (62400, 71900),
    "formal_notice_count": (4, 5),
}
SAMPLE_TREND = {
    "dso_countback": (58.2, 57.5, 56.9, 55.1, 55.8, 54.0, 53.6, 52.9, 52.4, 51.9, 51.2, 47.8),
    "cei": (68.0, 69.5, 70.2, 69.1, 71.8, 72.4, 71.9, 73.3, 73.8, 74.2, 74.9, 78.4),
    "overdue_ar": (
        231500,
        228900,
        225400,
        230100,
        219800,
        214300,
        210700,
        205200,
        201900,
        199300,
        196750,
        184300,
    ),
    "overdue_60_ar": (98400, 96100, 93800, 95200, 88700, 85900, 83100, 80200, 77600, 74800, 71900, 62400),
}


def label(text):
    """A translated text: the term is extracted from the file and translated when the dashboard is shown."""
    return f'=_t("{text}")'


def kpi_value(measure, month_cell, percent):
    value = f'PIVOT.VALUE({KPI_PIVOT},"{measure}","date:month",{month_cell})'
    if percent:
        value += "/100"
    return f'=IF({month_cell}="","",IFERROR({value},""))'


def month_cells(sheet, sample):
    """The month shown (the latest month measured in the period) and the one before, with their pivot keys."""
    bold = {"bold": True}
    sheet.put(f"A{MONTH}", label("Month shown"), style=bold)
    sheet.put(f"A{PREVIOUS}", label("Month before"), style=bold)
    sheet.put(f"A{COMPANIES}", label("Companies"), style=bold)
    if sample:
        sheet.put(f"B{MONTH}", "=DATE(YEAR(TODAY()),MONTH(TODAY())-1,1)", fmt=MONTH_FORMAT)
        sheet.put(f"B{COMPANIES}", "1")
    else:
        sheet.put(f"B{MONTH}", f'=IFERROR(ODOO.LIST({MONTH_LIST},1,"date"),"")', fmt=MONTH_FORMAT)
        sheet.put(f"B{COMPANIES}", f'=IFERROR(PIVOT.VALUE({KPI_PIVOT},"company_id"),0)')
    sheet.put(f"B{PREVIOUS}", f'=IF(B{MONTH}="","",EDATE(B{MONTH},-1))', fmt=MONTH_FORMAT)
    for row in (MONTH, PREVIOUS):
        sheet.put(f"C{row}", f'=IF(B{row}="","",TEXT(B{row},"mm/yyyy"))')


def headline_cells(sheet, sample):
    bold = {"bold": True}
    sheet.put("A5", label("Figure"), style=bold)
    sheet.put("B5", label("Month shown"), style=bold)
    sheet.put("C5", label("Month before"), style=bold)
    for row, text, measure, fmt, percent, _rise in HEADLINE:
        sheet.put(f"A{row}", label(text))
        for col, month_row, index in (("B", MONTH, 0), ("C", PREVIOUS, 1)):
            if sample:
                value = SAMPLE_HEADLINE[measure][index]
                content = f"={value}/100" if percent else str(value)
                fmt_ = fmt or "#,##0 [$€]"
            else:
                content, fmt_ = kpi_value(measure, f"$C${month_row}", percent), fmt
            sheet.put(f"{col}{row}", content, fmt=fmt_)


def text_cells(sheet):
    sheet.put(TEXT_COMPARED, label("compared with"))
    sheet.put(
        TEXT_NO_MONTH,
        label("No month measured in this period yet: the KPIs are measured each night for the complete months."),
    )
    sheet.put(
        TEXT_COMPANIES,
        label("Several companies: the ratios are the average of the companies. Choose one in the Company filter."),
    )


def trend_cells(sheet, sample):
    """Twelve months ending with the month shown, oldest first: the data of the trend charts."""
    bold = {"bold": True}
    sheet.put(f"A{TREND_HEADER}", label("Month"), style=bold)
    for col, header, _measure, _fmt in TREND:
        sheet.put(f"{col}{TREND_HEADER}", label(header), style=bold)
    for index in range(TREND_MONTHS):
        row, back = TREND_FIRST + index, TREND_MONTHS - 1 - index
        sheet.put(f"A{row}", f'=IF($B${MONTH}="","",EDATE($B${MONTH},-{back}))', fmt=SHORT_MONTH_FORMAT)
        sheet.put(f"{TREND_KEY}{row}", f'=IF(A{row}="","",TEXT(A{row},"mm/yyyy"))')
        for col, _header, measure, fmt in TREND:
            if sample:
                sheet.put(f"{col}{row}", SAMPLE_TREND[measure][index], fmt=fmt or "#,##0 [$€]")
            else:
                sheet.put(f"{col}{row}", kpi_value(measure, f"${TREND_KEY}{row}", False), fmt=fmt)


def aging_cells(sheet, sample):
    """What customers owe today past the due date, by aging bucket and risk segment (the aging chart's data)."""
    bold = {"bold": True}
    sheet.put(f"A{AGING_HEADER}", label("Aging"), style=bold)
    for index, segment in enumerate(SEGMENTS):
        sheet.put(f"{'BCDEF'[index]}{AGING_HEADER}", label(SEGMENT_LABELS[segment]), style=bold)
    for row_index, bucket in enumerate(AGING_BUCKETS):
        row = AGING_HEADER + 1 + row_index
        sheet.put(f"A{row}", label(BUCKET_LABELS[bucket]))
        for index, segment in enumerate(SEGMENTS):
            if sample:
                content = SAMPLE_AGING[bucket][index]
            else:
                content = f'=IFERROR(PIVOT.VALUE({OVERDUE_PIVOT},"amount_{bucket}","segment","{segment}")+0,0)'
            sheet.put(f"{'BCDEF'[index]}{row}", content, fmt="#,##0")


def build_data_sheet(book, sample=False):
    sheet = book.add_sheet("data", "Data", [200, 140, 140, 140, 160, 100], col_count=8, row_count=40)
    month_cells(sheet, sample)
    headline_cells(sheet, sample)
    text_cells(sheet)
    trend_cells(sheet, sample)
    aging_cells(sheet, sample)
    return sheet
