from . import test_agreement
from . import test_deal
from . import test_forwarding
from . import test_performance
from . import test_rebate
from . import test_sellout
from . import test_tier
from . import test_ui
