from . import account_dunning_report_mixin
from . import account_dunning_cash_forecast
from . import account_dunning_analysis
from . import account_dunning_effectiveness
from . import account_dunning_effectiveness_answers
from . import account_dunning_workload
from . import account_dunning_debtor
