from . import test_dashboard
from . import test_ui
from . import test_ui_zh_cn
