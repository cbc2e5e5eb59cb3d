from . import test_dunning_email
from . import test_dunning_late_penalty
from . import test_dunning_payment_instructions
from . import test_dunning_penalty_invoice
