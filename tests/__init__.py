from . import test_dunning_email
from . import test_dunning_kpi
from . import test_dunning_cash_forecast
