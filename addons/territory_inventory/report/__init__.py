from . import territory_stock_coverage
