{
    "name": "Customer Follow-ups: Queue Jobs",
    "summary": "Runs the daily follow-ups and the KPI refresh as queue jobs, one per slice, on several workers and "
    "hosts, and each policy simulation as a queue job",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "account_dunning contributors",
    "website": "https://github.com/account-dunning/account_dunning",
    "depends": ["account_dunning", "queue_job"],
    "data": [
        "data/queue_job_data.xml",
        "views/account_dunning_job_cursor_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "auto_install": True,
}
