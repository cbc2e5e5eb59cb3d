{
    "name": "Customer Follow-ups: Collections Dashboard",
    "summary": "A Collections dashboard in the Dashboards app: DSO, CEI, overdue and its age, top debtors, what the "
    "follow-ups bring in, the customers' answers",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "account_dunning contributors",
    "website": "https://github.com/account-dunning/account_dunning",
    "depends": ["account_dunning", "spreadsheet_dashboard"],
    "data": [
        "data/spreadsheet_dashboard_data.xml",
    ],
    "assets": {
        "web.assets_tests": ["account_dunning_spreadsheet_dashboard/static/tests/tours/**/*"],
    },
    "auto_install": True,
}
