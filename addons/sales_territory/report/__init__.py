from . import sale_report
from . import account_invoice_report
from . import sales_performance_report
from . import sales_territory_balance
from . import sales_customer_segment_report
from . import sales_customer_activity_report
from . import sales_demand_report
from . import sales_territory_quality
