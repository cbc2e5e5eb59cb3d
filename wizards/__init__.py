from . import account_dunning_run_wizard
from . import account_move_dunning_wizard
from . import account_dunning_segment_override
from . import base_partner_merge
from . import account_move_no_followup_wizard
from . import account_dunning_call_wizard
from . import account_dunning_reassign_wizard
from . import res_partner_dunning_hold_wizard
