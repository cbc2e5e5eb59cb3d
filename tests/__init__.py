from . import test_dunning_email
