from . import test_dunning_email
from . import test_dunning_run
from . import test_dunning_exclusions
from . import test_dunning_channels
from . import test_dunning_safety
from . import test_dunning_concurrency
