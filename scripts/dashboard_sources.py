"""The Odoo data of the Collections dashboard: its global filters, pivots, list and Odoo chart, for
scripts/build_dashboard.py.

Which filter applies where (a data source that a filter does not match ignores it):

- Period: the month measured by the KPIs (the latest month measured in the period), the follow-ups sent and the
  customers' answers; not what customers owe today.
- Company: everything.
- Collections responsible and Risk segment: what customers owe today, the follow-ups and the answers; not the
  company's KPIs (DSO, CEI... are measured for the whole company).
"""

PERIOD = "5d0b6a41-7a3c-4f0e-9d7e-2a9c1e6b3f10"
COMPANY = "8a1f3c52-4e6d-4b7a-8c9e-0f1a2b3c4d50"
RESPONSIBLE = "c3e7a9b1-2d4f-4a6c-8e0b-1c2d3e4f5a60"
SEGMENT = "e9b2d4f6-1a3c-4e5b-9d7f-2b4c6d8e0f70"

KPI_PIVOT, OVERDUE_PIVOT, LEVEL_PIVOT, ANSWER_PIVOT = "1", "2", "3", "4"
MONTH_LIST, DEBTOR_LIST = "1", "2"
DEBTOR_COLUMNS = ("partner_id", "segment", "amount_overdue", "days_overdue_max", "last_followup_date", "item_count")
AGING_CHART = "a7c4e2f0-6b8d-4a1c-9e3f-5d7b9c1e3a80"
AGING_BUCKETS = ("1_30", "31_60", "61_90", "91_more")  # overdue only: the amount_* fields of the overdue customers

SEGMENTS = ("new", "good", "occasional", "risky", "bad")
CHANNELS = ("email", "sms", "letter", "phone", "none")
ANSWER_KINDS = ("paid", "promise", "dispute", "online", "reply")
COMPANY_ROWS = [["partner_id", "=", False]]


def global_filters():
    def relation(filter_id, label, model):
        return {
            "id": filter_id,
            "type": "relation",
            "label": label,
            "modelName": model,
            "defaultValue": [],
            "defaultValueDisplayNames": [],
        }

    return [
        # the month shown opens on the latest month measured (spreadsheet.dashboard.get_readonly_dashboard)
        {"id": PERIOD, "type": "date", "label": "Period", "defaultValue": "this_year", "rangeType": "fixedPeriod"},
        relation(COMPANY, "Company", "res.company"),
        relation(RESPONSIBLE, "Collections Responsible", "res.users"),
        relation(SEGMENT, "Risk Segment", "account.dunning.segment"),
    ]


def matching(date=None, date_type="date", responsible=None, segment=None):
    """fieldMatching of a data source: the field each filter filters (company_id always), {} where none."""
    return {
        PERIOD: {"chain": date, "type": date_type, "offset": 0} if date else {},
        COMPANY: {"chain": "company_id", "type": "many2one"},
        RESPONSIBLE: {"chain": responsible, "type": "many2one"} if responsible else {},
        SEGMENT: {"chain": segment, "type": "many2one"} if segment else {},
    }


def measure(field, aggregator=None):
    """A pivot measure. With the field's own aggregator (None; count distinct for a relation) its id, as PIVOT.VALUE
    names it, is the field's name, and the pivot can be sorted by it; with another aggregator it is field:aggregator."""
    if not aggregator:
        return {"id": field, "fieldName": field}
    return {"id": f"{field}:{aggregator}", "fieldName": field, "aggregator": aggregator}


def pivot(pivot_id, name, model, domain, rows, measures, field_matching, columns=(), sort_by=None):
    definition = {
        "type": "ODOO",
        "id": pivot_id,
        "formulaId": pivot_id,
        "name": name,
        "model": model,
        "domain": domain,
        "context": {},
        "measures": [measure(*spec) for spec in measures],
        "rows": [{"fieldName": name_} for name_ in rows],
        "columns": [{"fieldName": name_} for name_ in columns],
        "fieldMatching": field_matching,
    }
    if sort_by:  # a measure with the field's own aggregator, by its field name
        definition["sortedColumn"] = {"groupId": [[], []], "measure": sort_by, "order": "desc"}
    return definition


def kpi_pivot():
    """The company rows of the KPIs by month (trends and the headline of a month and the one before)."""
    definition = pivot(
        KPI_PIVOT,
        "Collection KPIs by month",
        "account.dunning.kpi",
        COMPANY_ROWS,
        [],
        [
            ("dso_countback",),
            ("cei",),
            ("overdue_ar",),
            ("overdue_share",),
            ("overdue_60_ar",),
            ("formal_notice_count",),
            ("company_id",),
        ],
        matching(),
    )
    definition["rows"] = [{"fieldName": "date", "granularity": "month"}]
    return definition


def pivots():
    return {KPI_PIVOT: kpi_pivot(), **analysis_pivots(), **followup_pivots()}


def analysis_pivots():
    """What customers owe today past the due date (the overdue customers, made of the follow-up analysis), by risk
    segment, with its aging buckets."""
    return {
        OVERDUE_PIVOT: pivot(
            OVERDUE_PIVOT,
            "Overdue today by risk segment",
            "account.dunning.debtor",
            [],
            ["segment"],
            [
                ("amount_overdue",),
                *((f"amount_{bucket}",) for bucket in AGING_BUCKETS),
                ("amount_over_60",),
                ("__count",),
            ],
            matching(responsible="responsible_id", segment="segment_id"),
        ),
    }


def followup_pivots():
    """The follow-ups sent in the period (effectiveness) and the customers' answers of the period."""
    sent = matching(date="date", responsible="user_id", segment="segment_id")
    return {
        LEVEL_PIVOT: pivot(
            LEVEL_PIVOT,
            "Follow-ups sent by level and channel",
            "account.dunning.effectiveness",
            [],
            ["level_id"],
            [
                ("action_id",),
                ("collection_rate",),
                ("amount_reminded",),
                ("amount_collected_30",),
                ("days_to_payment",),
            ],
            sent,
            columns=["channel"],
            sort_by="action_id",
        ),
        ANSWER_PIVOT: pivot(
            ANSWER_PIVOT,
            "Customer answers by kind",
            "account.dunning.answer",
            [],
            ["kind"],
            [("__count",), ("partner_id",)],
            matching(date="date", date_type="datetime", responsible="user_id", segment="segment_id"),
        ),
    }


def lists():
    """The latest month measured in the period (the month of the headline); the customers who owe the most today."""
    return {
        MONTH_LIST: {
            "id": MONTH_LIST,
            "name": "Latest month measured",
            "model": "account.dunning.kpi",
            "domain": COMPANY_ROWS,
            "context": {},
            "columns": ["date"],
            "orderBy": [{"name": "date", "asc": False}],
            "fieldMatching": matching(date="date"),
        },
        DEBTOR_LIST: {
            "id": DEBTOR_LIST,
            "name": "Largest debtors today",
            "model": "account.dunning.debtor",
            "domain": [],
            "context": {},
            "columns": list(DEBTOR_COLUMNS),
            "orderBy": [{"name": "amount_overdue", "asc": False}],
            "fieldMatching": matching(responsible="responsible_id", segment="segment_id"),
        },
    }
