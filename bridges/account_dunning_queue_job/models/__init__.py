from . import account_dunning_job_cursor
from . import account_dunning_run
from . import account_dunning_kpi
from . import account_dunning_simulation
from . import res_company
from . import res_config_settings
from . import queue_job
