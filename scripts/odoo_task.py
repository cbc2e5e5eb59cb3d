"""Small maintenance tasks on an Odoo database, run outside of any HTTP server.

Usage: python3 scripts/odoo_task.py TASK [ARG] -- ODOO_OPTIONS...

Tasks:
  export-pot PATH   write the module's translation template to PATH
  uninstall         uninstall the module (raises on any error)
"""

import logging
import sys

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import config
from odoo.tools.translate import trans_export

MODULE = "account_dunning"
_logger = logging.getLogger("account_dunning.task")


def export_pot(registry, path):
    with registry.cursor() as cr, open(path, "wb") as buffer:
        trans_export(None, [MODULE], buffer, "po", cr)
    _logger.info("translation template written to %s", path)


def uninstall(registry):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        module = env["ir.module.module"].search([("name", "=", MODULE), ("state", "=", "installed")])
        if not module:
            raise SystemExit(f"{MODULE} is not installed")
        module.button_immediate_uninstall()
    with odoo.modules.registry.Registry(registry.db_name).cursor() as cr:
        cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [MODULE])
        state = cr.fetchone()[0]
    if state != "uninstalled":
        raise SystemExit(f"{MODULE} is {state} after uninstall")
    _logger.info("%s uninstalled cleanly", MODULE)


def main(argv):
    split = argv.index("--")
    task, task_args, odoo_args = argv[0], argv[1:split], argv[split + 1 :]
    config.parse_config(odoo_args)
    registry = odoo.modules.registry.Registry(config["db_name"])
    if task == "export-pot":
        export_pot(registry, task_args[0])
    elif task == "uninstall":
        uninstall(registry)
    else:
        raise SystemExit(f"unknown task {task}")


if __name__ == "__main__":
    main(sys.argv[1:])
