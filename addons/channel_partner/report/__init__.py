from . import sales_performance_report
