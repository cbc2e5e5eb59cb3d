from . import res_partner
from . import account_dunning_segment_rule
from . import account_move
from . import res_company
from . import res_config_settings
