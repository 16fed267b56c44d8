from . import test_channel
from . import test_matrix
from . import test_scorecard
from . import test_access
from . import test_ui
from . import test_pricing
from . import test_quality
from . import test_import_templates
