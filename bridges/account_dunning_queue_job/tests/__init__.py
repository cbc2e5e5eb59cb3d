from . import test_queue_job_slices
from . import test_queue_job_simulation
