from . import test_dunning_email
from . import test_payment_behaviour
