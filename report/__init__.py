from . import account_dunning_cash_forecast
