from . import spreadsheet_dashboard
from . import account_dunning_kpi
