from . import sale_report
from . import account_invoice_report
from . import sales_performance_report
from . import sales_channel_conflict
from . import sales_territory_quality
