from . import followup_page
from . import followup_actions
