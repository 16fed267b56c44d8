from . import test_sourcing
from . import test_replenishment
from . import test_rebalance
from . import test_ui
from . import test_import_templates
