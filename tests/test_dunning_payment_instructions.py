from stdnum import iso11649

from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, tagged
from odoo.tools import mute_logger

from .common_late_payment import DunningLatePaymentCommon

VALID_IBAN = "FR76 3000 6000 0112 3456 7890 189"
INVALID_IBAN = "FR76 3000 6000 0112 3456 7890 188"  # last check digit changed


@tagged("post_install", "-at_install")
class TestDunningPaymentInstructions(DunningLatePaymentCommon):
    """IBAN/BIC of the payment account, RF creditor reference, amounts in words."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.env["res.bank"].create({"name": "Crédit Agricole", "bic": "AGRIFRPP"})

    def _bank_account(self, number, bank=None):
        return self.env["res.partner.bank"].create(
            {"acc_number": number, "partner_id": self.company.partner_id.id, "bank_id": (bank or self.bank).id}
        )

    def test_default_bank_account_is_the_first_one(self):
        self.company.partner_id.bank_ids.unlink()
        first = self._bank_account(VALID_IBAN)
        self._bank_account("DE89 3704 0044 0532 0130 00")
        self.assertEqual(self.company.dunning_bank_account_id, first)
        self.assertEqual(self.company._dunning_payment_bank_account(), first)

    def test_valid_iban_is_accepted(self):
        account = self._bank_account(VALID_IBAN)
        self.company.dunning_bank_account_id = account
        self.assertEqual(self.company._dunning_payment_bank_account(), account)

    def test_invalid_iban_is_refused_with_the_account_name(self):
        account = self._bank_account(INVALID_IBAN)
        self.company.dunning_bank_account_id = account
        with self.assertRaisesRegex(UserError, "no valid IBAN") as error:
            self.company._dunning_payment_bank_account()
        self.assertIn(account.display_name, str(error.exception))
        # the settings refuse it on save as well
        self.company.dunning_bank_account_id = False
        with self.assertRaisesRegex(UserError, "no valid IBAN"):
            self.env["res.config.settings"].create({"dunning_bank_account_id": account.id})
        self.assertFalse(self.company.dunning_bank_account_id)

    def test_invalid_bic_is_refused(self):
        bad_bank = self.env["res.bank"].create({"name": "Nowhere Bank", "bic": "XX12"})
        account = self._bank_account(VALID_IBAN, bank=bad_bank)
        self.company.dunning_bank_account_id = account
        with self.assertRaisesRegex(UserError, "no valid BIC"):
            self.company._dunning_payment_bank_account()

    def test_no_bank_account_is_a_clear_error(self):
        self.company.partner_id.bank_ids.unlink()
        self.assertFalse(self.company.dunning_bank_account_id)
        with self.assertRaisesRegex(UserError, "Set the bank account"):
            self.company._dunning_payment_bank_account()

    def test_rf_creditor_reference(self):
        company = self.env["res.company"]
        # the example of ISO 11649: RF18 5390 0754 7034
        self.assertEqual(company._dunning_rf_reference("5390 0754 7034"), "RF18539007547034")
        reference = company._dunning_rf_reference("INV/2025/00001")
        self.assertEqual(reference, company._dunning_rf_reference("INV/2025/00001"))
        self.assertTrue(reference.startswith("RF") and reference.endswith("INV202500001"))
        self.assertTrue(iso11649.is_valid(reference))
        with self.assertRaisesRegex(UserError, "creditor reference"):
            company._dunning_rf_reference("X" * 22)
        with self.assertRaisesRegex(UserError, "creditor reference"):
            company._dunning_rf_reference("///")

    def test_amount_in_words(self):
        company = self.env["res.company"]
        self.assertEqual(
            company._dunning_amount_in_words(1234.56, self.eur, "fr_FR"),
            "mille deux cent trente-quatre euros et cinquante-six centimes",
        )
        self.assertEqual(
            company._dunning_amount_in_words(1234.56, self.eur, "en_US"),
            "one thousand, two hundred and thirty-four euro, fifty-six cents",
        )
        # other languages fall back to English
        self.assertEqual(
            company._dunning_amount_in_words(1234.56, self.eur, "de_DE"),
            company._dunning_amount_in_words(1234.56, self.eur, "en_GB"),
        )
        # a currency num2words has no names for: numbers in words, the currency's own unit names
        chf = self.env.ref("base.CHF")
        self.assertEqual(
            company._dunning_amount_in_words(12.5, chf, "fr_FR"),
            f"douze {chf.currency_unit_label} et cinquante {chf.currency_subunit_label}",
        )

    @freeze_time("2025-03-02")
    @mute_logger("odoo.tests.form.onchange")  # an unrelated onchange warning of the core settings form
    def test_settings_form(self):
        account = self._bank_account(VALID_IBAN)
        with Form(self.env["res.config.settings"]) as form:
            # the half-year table is shown, and today's rate: ECB 3.15 (H1 2025) + 10 points
            shipped = self.env.ref("account_dunning.account_dunning_ecb_rate_202601")
            self.assertIn(shipped, form.dunning_ecb_rate_ids)
            self.assertEqual(len(form.dunning_ecb_rate_ids), 7)  # the seven shipped half-years
            self.assertAlmostEqual(form.dunning_current_penalty_rate, 13.15)
            form.dunning_rate_margin = 8.0
            self.assertAlmostEqual(form.dunning_current_penalty_rate, 11.15)
            form.dunning_notice_days = 15
            form.dunning_rate_mode = "fixed"
            form.dunning_fixed_rate = 12.0
            self.assertAlmostEqual(form.dunning_current_penalty_rate, 12.0)
            form.dunning_bank_account_id = account
        self.assertEqual(self.company.dunning_notice_days, 15)
        self.assertEqual(self.company.dunning_fixed_rate, 12.0)
        self.assertEqual(self.company.dunning_bank_account_id, account)
