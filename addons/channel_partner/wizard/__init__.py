from . import channel_partner_sellout_import
from . import channel_partner_wizards
