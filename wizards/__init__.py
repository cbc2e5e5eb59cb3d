from . import account_dunning_run_wizard
from . import account_move_dunning_wizard
from . import account_dunning_segment_override
from . import base_partner_merge
from . import account_dunning_letter_post
from . import account_dunning_simulation_timeline
from . import account_dunning_simulation_timeline_line
