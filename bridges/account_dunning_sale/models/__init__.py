from . import sale_order
from . import res_partner
from . import payment_transaction
