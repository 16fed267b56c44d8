from . import sales_target_revise
from . import sales_target_plan
from . import sales_incentive_export
