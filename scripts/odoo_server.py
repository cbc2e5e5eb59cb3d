"""Start Odoo's server as odoo-bin does: `python3 scripts/odoo_server.py ODOO_OPTIONS...`.

In prefork mode (--workers) Odoo starts its long-polling process by running its own command line again with
`gevent` first: under `python3 -m odoo` that command is Odoo's __main__.py, which cannot run as a script, and the
process would fail and be started again and again. This script can be run again. Without the gevent package the
long-polling process (live notifications of the web client, which the jobs do not need) has nothing to run: it
waits until the server stops it, instead of failing at every beat.
"""

import importlib.util
import signal
import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["gevent"] and not importlib.util.find_spec("gevent"):
        signal.pause()
        sys.exit(0)
    import odoo

    odoo.cli.main()
