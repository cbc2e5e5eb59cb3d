"""The tables of the Collections dashboard's Dashboard sheet: overdue today by risk segment (beside the aging chart),
the largest debtors, what each follow-up level and channel brought in, and the customers' answers.

Each cell is a PIVOT formula on the data sources of dashboard_sources.py, or in the sample a fixed value.
"""

import dashboard_data_sheet as data
import dashboard_sheet as layout
from dashboard_sheet import AMOUNT, DATE, DAYS, PERCENT, body, header, link, section
from dashboard_sources import (
    AGING_CHART,
    ANSWER_KINDS,
    ANSWER_PIVOT,
    CHANNELS,
    DEBTOR_LIST,
    LEVEL_PIVOT,
    OVERDUE_PIVOT,
    SEGMENTS,
)

#: the overdue customers' measures of the segment table: overdue, of which over 60 days, customers
SEGMENT_TABLE_FIELDS = ("amount_overdue", "amount_over_60", "__count")
#: new, good, occasional, risky, bad: from blue to red
SEGMENT_COLORS = ("#4EA7F2", "#6CC17A", "#F0C04A", "#F0904A", "#DC6965")
CHANNEL_LABELS = {"email": "Email", "sms": "SMS", "letter": "Letter", "phone": "Phone", "none": "No channel"}
ANSWER_LABELS = {
    "paid": "Payment announced",
    "promise": "Promise to pay",
    "dispute": "Dispute",
    "online": "Paid online",
    "reply": "Email reply",
}
SAMPLE_SEGMENTS = {
    "new": (8200, 0, 3),
    "good": (21400, 2100, 14),
    "occasional": (48900, 9800, 11),
    "risky": (61300, 25200, 7),
    "bad": (44500, 25300, 4),
}
#: the fields of the channel table, from the level and channel pivot
CHANNEL_FIELDS = ("action_id", "amount_reminded", "amount_collected_30")
#: (customer, segment, overdue, oldest item in days, days since the last follow-up, items)
SAMPLE_DEBTORS = (
    ("Garage Petit", "bad", 24800, 118, 6, 12),
    ("Transports Morel", "risky", 19650, 74, 3, 9),
    ("Boulangerie Roux", "occasional", 15200, 41, 9, 6),
    ("Atelier Fabre", "risky", 12900, 66, 3, 15),
    ("Menuiserie Blanc", "bad", 11400, 95, 13, 20),
    ("Imprimerie Caron", "occasional", 9800, 35, 9, 4),
    ("Hôtel du Port", "good", 8700, 22, 2, 3),
    ("Pharmacie Lemoine", "risky", 7650, 58, 10, 10),
    ("Cabinet Girard", "occasional", 6200, 31, 16, 7),
    ("Librairie Chevalier", "new", 5100, 12, 5, 2),
)
#: (level, follow-ups, rates by email, SMS, letter, phone, all channels, days to payment)
SAMPLE_LEVELS = (
    ("Reminder 1", 42, 0.71, None, None, None, 0.71, 9.4),
    ("Courtesy notice", 31, 0.64, 0.69, None, None, 0.66, 7.8),
    ("Reminder 2", 24, 0.52, None, 0.58, None, 0.55, 13.2),
    ("Firm reminder", 17, 0.41, 0.44, 0.47, None, 0.44, 16.5),
    ("Phone call", 9, None, None, None, 0.62, 0.62, 11.0),
    ("Formal notice", 6, 0.33, None, 0.38, None, 0.36, 21.7),
)
SAMPLE_CHANNELS = {
    "email": (118, 264300, 162800),
    "sms": (38, 61200, 41500),
    "letter": (29, 88400, 40100),
    "phone": (9, 30400, 18800),
    "none": (0, 0, 0),
}
SAMPLE_ANSWERS = {"paid": 14, "promise": 9, "dispute": 3, "online": 11, "reply": 21}


def number(formula):
    """A PIVOT value as a number: 0 where the pivot has no such group."""
    return f"=IFERROR({formula}+0,0)"


def overdue(sheet, sample):
    """What customers owe past its due date today: by age and segment (chart), by segment (table)."""
    section(sheet, layout.R_OVERDUE, "Overdue today", "account_dunning_analysis_menu", "What customers owe now")
    header(sheet, layout.R_OVERDUE_HEADER, ["Risk segment", "Overdue", "Over 60 days", "Customers"], first_col=4)
    first = layout.R_OVERDUE_HEADER + 1
    for index, segment in enumerate((*SEGMENTS, None)):
        row = first + index
        sheet.size_row(row, 34)
        name = data.label(data.SEGMENT_LABELS[segment] if segment else "Total")
        if sample:
            cells = (name, *(SAMPLE_SEGMENTS[segment] if segment else (184300, 62400, 39)))
        else:
            where = f',"segment","{segment}"' if segment else ""
            cells = (
                name,
                *(number(f'PIVOT.VALUE({OVERDUE_PIVOT},"{field}"{where})') for field in SEGMENT_TABLE_FIELDS),
            )
        for offset, content in enumerate(cells):
            body(sheet, f"{'EFGH'[offset]}{row}", content, fmt=(None, AMOUNT, AMOUNT, DAYS)[offset], right=offset > 0)
    sheet.add_figure(AGING_CHART, 0, layout.R_OVERDUE_HEADER, sheet.left(4) - 15, 30 + 6 * 34 - 4, aging_chart(), dy=2)


def aging_chart():
    """Overdue today by aging bucket, stacked by risk segment, from the Data sheet's aging table."""
    last = data.AGING_HEADER + 4
    return {
        "type": "bar",
        "title": {"text": "By age and risk segment"},
        "dataSets": [
            {"dataRange": f"Data!{col}{data.AGING_HEADER}:{col}{last}", "yAxisId": "y", "backgroundColor": color}
            for col, color in zip("BCDEF", SEGMENT_COLORS, strict=True)
        ],
        "labelRange": f"Data!A{data.AGING_HEADER + 1}:A{last}",
        "dataSetsHaveTitle": True,
        "legendPosition": "top",
        "stacked": True,
        "aggregated": False,
        "background": "#FFFFFF",
    }


def debtor_row(row, index, sample):
    if sample:
        name, segment, amount, days, followup, items = SAMPLE_DEBTORS[index]
        followup = f"=TODAY()-{followup}"
        return (name, data.label(data.SEGMENT_LABELS[segment]), amount, f"={amount}/184300", days, followup, items)

    def column(field):
        return f'=IFERROR(ODOO.LIST({DEBTOR_LIST},{index + 1},"{field}"),"")'

    total = f'PIVOT.VALUE({OVERDUE_PIVOT},"amount_overdue")'
    return (
        column("partner_id"),
        column("segment"),
        column("amount_overdue"),
        f'=IF(D{row}="","",IFERROR(D{row}/{total},""))',
        column("days_overdue_max"),
        column("last_followup_date"),
        column("item_count"),
    )


def debtors(sheet, sample):
    """The ten customers who owe the most past its due date today."""
    section(sheet, layout.R_DEBTORS, "Largest debtors today", "account_dunning_debtor_menu", "Overdue, largest first")
    titles = [
        "Customer",
        None,
        "Risk segment",
        "Overdue",
        "Share of overdue",
        "Days late (max)",
        "Last follow-up",
        "Items",
    ]
    header(sheet, layout.R_DEBTORS_HEADER, titles, left=3)
    for index in range(layout.DEBTOR_ROWS):
        row = layout.R_DEBTORS_HEADER + 1 + index
        sheet.size_row(row, 27)
        cells = debtor_row(row, index, sample)
        sheet.merge(f"A{row}", f"B{row}")
        body(sheet, f"A{row}", cells[0])
        body(sheet, f"B{row}", None)
        for offset, content in enumerate(cells[1:]):
            fmt = (None, AMOUNT, PERCENT, DAYS, DATE, DAYS)[offset]
            body(sheet, f"{'CDEFGH'[offset]}{row}", content, fmt=fmt, right=offset > 0)


def level_row(index, sample):
    if sample:
        level, count, *rates, days = SAMPLE_LEVELS[index] if index < len(SAMPLE_LEVELS) else ("", "", *[""] * 6)
        return (data.label(level) if level else "", count, *("" if rate is None else rate for rate in rates), days)
    position = f'"#level_id",{index + 1}'
    value = f"PIVOT.VALUE({LEVEL_PIVOT},"

    def rate(where):
        # empty where no follow-up went by that channel, rather than a rate of 0
        count = f'IFERROR({value}"action_id",{position}{where})+0,0)'
        return f'=IF({count}>0,IFERROR({value}"collection_rate",{position}{where})/100,""),"")'

    return (
        f'=IFERROR(PIVOT.HEADER({LEVEL_PIVOT},{position}),"")',
        f'=IFERROR({value}"action_id",{position}),"")',
        *(rate(f',"channel","{channel}"') for channel in CHANNELS[:4]),
        rate(""),
        f'=IFERROR({value}"days_to_payment",{position}),"")',
    )


def levels(sheet, sample):
    """Collection rate within 30 days of the follow-ups sent in the period, by level and channel."""
    section(
        sheet,
        layout.R_LEVELS,
        "What the follow-ups bring in",
        "account_dunning_effectiveness_menu",
        "Sent in the period; collected in 30 days / reminded",
    )
    titles = ["Follow-up level", "Follow-ups", "Email", "SMS", "Letter", "Phone", "All channels", "Days to pay"]
    header(sheet, layout.R_LEVELS_HEADER, titles)
    for index in range(layout.LEVEL_ROWS):
        row = layout.R_LEVELS_HEADER + 1 + index
        sheet.size_row(row, 27)
        for offset, content in enumerate(level_row(index, sample)):
            fmt = (None, DAYS, *[PERCENT] * 5, "0.0")[offset]
            body(sheet, f"{'ABCDEFGH'[offset]}{row}", content, fmt=fmt, right=offset > 0)


def channel_row(row, channel, sample):
    name = data.label(CHANNEL_LABELS[channel])
    rate = f'=IF(C{row}>0,D{row}/C{row},"")'
    if sample:
        return (name, *SAMPLE_CHANNELS[channel], rate)
    where = f'"channel","{channel}"'
    return (
        name,
        *(number(f'PIVOT.VALUE({LEVEL_PIVOT},"{field}",{where})') for field in CHANNEL_FIELDS),
        rate,
    )


def channels_and_answers(sheet, sample):
    """By channel: follow-ups, amount reminded and collected; the customers' answers of the period by kind."""
    section(sheet, layout.R_CHANNELS, "By channel, and the customers' answers")
    sheet.put(
        f"F{layout.R_CHANNELS}",
        link("Customer answers", "account_dunning_answer_menu"),
        style={**layout.SECTION, "fontSize": 11, "align": "right"},
    )
    sheet.merge(f"F{layout.R_CHANNELS}", f"H{layout.R_CHANNELS}")
    header(sheet, layout.R_CHANNELS_HEADER, ["Channel", "Follow-ups", "Reminded", "Collected", "Rate"])
    header(sheet, layout.R_CHANNELS_HEADER, ["Answers in the period", None, "Answers"], first_col=5, left=2)
    for index, (channel, kind) in enumerate(zip(CHANNELS, ANSWER_KINDS, strict=True)):
        row = layout.R_CHANNELS_HEADER + 1 + index
        sheet.size_row(row, 27)
        for offset, content in enumerate(channel_row(row, channel, sample)):
            fmt = (None, DAYS, AMOUNT, AMOUNT, PERCENT)[offset]
            body(sheet, f"{'ABCDE'[offset]}{row}", content, fmt=fmt, right=offset > 0)
        count = SAMPLE_ANSWERS[kind] if sample else number(f'PIVOT.VALUE({ANSWER_PIVOT},"__count","kind","{kind}")')
        sheet.merge(f"F{row}", f"G{row}")
        body(sheet, f"F{row}", data.label(ANSWER_LABELS[kind]))
        body(sheet, f"G{row}", None)
        body(sheet, f"H{row}", count, fmt=DAYS, right=True)
