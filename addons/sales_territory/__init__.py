from . import models
from . import report
from . import wizard
from .hooks import pre_init_hook, post_init_hook, uninstall_hook
