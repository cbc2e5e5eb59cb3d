{
    "name": "Customer Follow-ups (Dunning)",
    "summary": "Customer follow-ups driven by each customer's own payment habit: "
    "scenarios, levels, email, SMS, calls, letters and collection KPIs",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "account_dunning contributors",
    "website": "https://github.com/account-dunning/account_dunning",
    "depends": ["account", "mail", "sms", "portal", "account_payment"],
    "external_dependencies": {"python": ["python-stdnum", "num2words"]},
    "data": [
        "security/ir.model.access.csv",
        "security/account_dunning_security.xml",
        "views/res_partner_views.xml",
        "views/account_dunning_kpi_views.xml",
        "report/account_dunning_cash_forecast_views.xml",
        "views/account_dunning_reporting_menus.xml",
        "data/ir_cron_data.xml",
    ],
}
