from . import controllers
from . import models
from . import report
from . import wizard
from .hooks import pre_init_hook
