from . import sale_order_dunning_hold_wizard
