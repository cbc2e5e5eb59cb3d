from datetime import date, timedelta

from odoo.tests import freeze_time, tagged

from .common_behaviour import PaymentBehaviourCommon


@freeze_time("2026-06-30")
@tagged("post_install", "-at_install")
class TestDunningPaymentRefresh(PaymentBehaviourCommon):
    """A payment moves the customer's statistics, segment and tolerance together, at once (issue 24), not the
    statistics now and the segment and tolerance at night."""

    def test_third_paid_invoice_makes_a_new_customer_a_known_one_at_once(self):
        customer = self.make_customer("Nouveau Client")
        # two invoices paid on time: still new (fewer than 3 paid invoices), the new-customer tolerance of 5 days
        self.make_history(customer, [0, 0], first_due=date(2026, 3, 1))
        partner = customer.with_company(self.company)
        self.assertEqual((partner.payment_history_count, partner.dunning_segment), (2, "new"))
        self.assertEqual(partner.dunning_tolerance_days, 5)
        # the third, paid 20 days late: statistics, segment and tolerance follow the payment, no nightly job
        invoice = self.make_invoice(customer, date(2026, 5, 1))
        self.pay(invoice, date(2026, 5, 1) + timedelta(days=20))
        partner.invalidate_recordset()
        self.assertEqual(partner.payment_history_count, 3)
        # delays 0, 0, 20 (newest last): the newer half (20) minus the older half (0) is a trend of 20 days >= 8,
        # "later and later": risky. The risk of day 0 is (1 seriously late + 3 x the company's risk) / (1 still
        # unpaid + 3) >= 44 %, the company having no late invoice paid before the end of the previous month (its
        # risk counts 100 %): no tolerance
        self.assertEqual(partner.dunning_segment, "risky")
        self.assertEqual(partner.dunning_tolerance_days, 0)
        self.assertEqual(partner.dunning_stats_date, date(2026, 6, 30))
