from . import sale_report
from . import account_invoice_report
