from . import account_dunning_segment_override
