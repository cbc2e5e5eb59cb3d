from . import res_partner
from . import account_dunning_kpi
