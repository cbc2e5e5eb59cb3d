{
    "name": "Customer Follow-ups: Sales",
    "summary": "A sales order for a customer on credit hold waits for accounting: a warning on the order, its "
    "confirmation refused to salespeople, a logged override for managers",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "account_dunning contributors",
    "website": "https://github.com/account-dunning/account_dunning",
    "depends": ["account_dunning", "sale"],
    "data": [
        "security/ir.model.access.csv",
        "wizards/sale_order_dunning_hold_wizard_views.xml",
        "views/sale_order_views.xml",
        "views/res_partner_views.xml",
    ],
    "assets": {
        "web.assets_tests": ["account_dunning_sale/static/tests/tours/**/*"],
    },
    "auto_install": True,
}
