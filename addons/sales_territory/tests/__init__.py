from . import test_territory
from . import test_rule_matching
from . import test_partner_assignment
from . import test_documents
from . import test_realignment
from . import test_access
from . import test_ui
