from . import sales_target_revise
from . import sales_target_plan
