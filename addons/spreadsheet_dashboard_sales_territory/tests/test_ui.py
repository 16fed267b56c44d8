from odoo.tests import HttpCase, tagged

from .common import DashboardDataMixin


@tagged("post_install", "-at_install")
class TestUi(DashboardDataMixin, HttpCase):
    """A sales director opens the Territories & Channels dashboard in the
    Dashboards app: the figures, the monthly trend and the three tables come
    from the cockpit; filtering on a region narrows every table."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").tour_enabled = False
        cls._create_dashboard_data()

    def test_dashboard_tour(self):
        self.start_tour(
            "/odoo", "spreadsheet_dashboard_sales_territory_tour", login="admin"
        )
