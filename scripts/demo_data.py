"""Data of the account_dunning demo (used by scripts/demo.py): the company, exchange rates, customers with
their payment habits, a year of invoices, and their payments and credit notes (the settlement plan).

Everything goes through the ORM: invoices are created and posted, payments are
registered with account.payment.register and reconciled, credit notes are reversals.
"""

from datetime import timedelta

from odoo import Command

#: name, habit, options.  habit(rng, index, count) -> days late of invoice `index` of `count`
#: (None: left unpaid).  Options: email, invoice_email, individual, partial, refund, currency, lang
#: (French unless given), street.
CUSTOMERS = [
    ("Boulangerie Martin", lambda r, i, n: r.choice([-2, -1, 0, 0]), {"email": "compta@boulangerie-martin.example"}),
    ("Atelier Durand", lambda r, i, n: 10, {"invoice_email": "factures@atelier-durand.example"}),
    ("Transports Leroy", lambda r, i, n: r.choice([0, 3, 25, 48, 60, 12]), {"email": "paiements@leroy.example"}),
    ("Garage Petit", lambda r, i, n: 4 + int(40 * i / max(n - 1, 1)), {"email": "garage.petit@example.com"}),
    ("Pharmacie Moreau", lambda r, i, n: -r.randint(5, 15), {"email": "moreau@pharmacie.example"}),
    ("Cabinet Lefèvre", lambda r, i, n: 5, {"email": "cabinet@lefevre.example", "partial": True}),
    ("Hôtel du Port", lambda r, i, n: r.randint(26, 34), {"email": "direction@hotelduport.example"}),
    ("Studio Girard", lambda r, i, n: 2, {"email": "hello@studio-girard.example", "recent": True}),
    ("Menuiserie Roux", lambda r, i, n: r.choice([0, 0, 1, 2]), {"email": "roux@menuiserie.example", "refund": True}),
    ("Imprimerie Fournier", lambda r, i, n: None if i % 3 else 65, {"email": "imprimerie@fournier.example"}),
    ("Claire Bonnet", lambda r, i, n: 3, {"email": "claire.bonnet@example.com", "individual": True}),
    (
        "Nordic Supplies GmbH",
        lambda r, i, n: 7,
        {"email": "ap@nordic-supplies.example", "currency": "USD", "lang": "en_US"},
    ),
    ("Quincaillerie Blanc", lambda r, i, n: None if i >= n - 3 else 18, {"street": "8 place Bellecour"}),
]


def setup_company(env):
    company = env.company
    euro = env.ref("base.EUR")
    euro.active = True
    company.write(
        {
            "name": "Démo Recouvrement SAS",
            "street": "12 rue de la Paix",
            "zip": "75002",
            "city": "Paris",
            "country_id": env.ref("base.fr").id,
            "currency_id": euro.id,
            "email": "comptabilite@demo-recouvrement.example",
            "phone": "+33 1 23 45 67 89",
            "company_registry": "123 456 789 00012",
            "vat": "FR32123456789",
        }
    )
    env.ref("base.USD").active = True
    bank = env["res.bank"].create({"name": "Banque Démo", "bic": "AGRIFRPP"})
    env["res.partner.bank"].create(
        {"acc_number": "FR76 3000 6000 0112 3456 7890 189", "partner_id": company.partner_id.id, "bank_id": bank.id}
    )
    company.external_report_layout_id = env.ref("web.external_layout_standard")
    env.ref("base.user_admin").write(
        {
            "name": "Camille Laurent",
            "email": "c.laurent@demo-recouvrement.example",
            "lang": "en_US",
            "tz": "Europe/Paris",
        }
    )
    company.logo = False  # rather than Odoo's "Your logo" placeholder on the letters
    return company


def create_rates(env, today):
    usd = env.ref("base.USD")
    env["res.currency.rate"].search([("currency_id", "=", usd.id)]).unlink()
    env["res.currency.rate"].create(
        [{"currency_id": usd.id, "name": today - timedelta(days=30 * m), "rate": 1.05 + 0.01 * m} for m in range(14)]
    )


def create_customers(env):
    term = env["account.payment.term"].create(
        {"name": "30 jours", "line_ids": [Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})]}
    )
    partners = env["res.partner"]
    for name, _habit, options in CUSTOMERS:
        partner = env["res.partner"].create(
            {
                "name": name,
                "is_company": not options.get("individual"),
                # businesses (a company record alone makes no professional: without it their follow-ups would wait)
                "dunning_debtor_type": False if options.get("individual") else "professional",
                "email": options.get("email"),
                "street": options.get("street", "24 rue de la République"),
                "zip": "69002",
                "city": "Lyon",
                "country_id": env.ref("base.fr").id,
                "lang": options.get("lang", "fr_FR"),
                "phone": "+33 6 12 34 56 78",
                "property_payment_term_id": term.id,
                "dunning_responsible_id": env.ref("base.user_admin").id,
            }
        )
        if options.get("invoice_email"):
            env["res.partner"].create(
                {
                    "name": "Service comptabilité",
                    "parent_id": partner.id,
                    "type": "invoice",
                    "email": options["invoice_email"],
                }
            )
        partners |= partner
    return partners


def create_invoices(env, partners, today, rng):
    """A year of monthly invoices; returns [(invoice, days_late or None, options)]."""
    product = env["product.product"].create({"name": "Prestation de service", "type": "service", "list_price": 100})
    vals_list, plan = [], []
    for partner, (_name, habit, options) in zip(partners, CUSTOMERS, strict=True):
        months = range(2, 0, -1) if options.get("recent") else range(12, 0, -1)
        dates = [today - timedelta(days=30 * m - rng.randint(0, 20)) for m in months]
        currency = env.ref(f"base.{options['currency']}") if options.get("currency") else env.company.currency_id
        for index, invoice_date in enumerate(dates):
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "currency_id": currency.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": product.id, "quantity": 1, "price_unit": rng.randrange(400, 6000, 50)}
                        )
                    ],
                }
            )
            plan.append((habit(rng, index, len(dates)), options))
    invoices = env["account.move"].create(vals_list)
    invoices.action_post()
    return list(zip(invoices, [p[0] for p in plan], [p[1] for p in plan], strict=True))


def register_payment(env, invoice, pay_date, amount=None):
    wizard_vals = {"payment_date": pay_date}
    if amount is not None:
        wizard_vals["amount"] = amount
    env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
        wizard_vals
    )._create_payments()


def settle_invoices(env, plan, until, settled):
    """Register the payments (and a credit note now and then) made up to `until` and not yet in `settled`."""
    for index, (invoice, days_late, options) in enumerate(plan):
        if days_late is None or index in settled:
            continue
        pay_date = invoice.invoice_date_due + timedelta(days=days_late)
        if pay_date > until:
            continue
        settled.add(index)
        if options.get("refund") and index % 4 == 0:
            reversal = invoice._reverse_moves(
                [{"invoice_date": pay_date, "ref": f"Avoir sur {invoice.name}"}], cancel=False
            )
            reversal.invoice_line_ids[0].price_unit = invoice.invoice_line_ids[0].price_unit / 5
            reversal.action_post()
            receivables = (invoice | reversal).line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            if reversal.payment_state != "paid":  # posting may have matched them already
                receivables.reconcile()
            # the rest is paid by a transfer
            register_payment(env, invoice, pay_date)
        elif options.get("partial"):
            half = invoice.currency_id.round(invoice.amount_residual / 2)
            register_payment(env, invoice, pay_date - timedelta(days=12), half)
            register_payment(env, invoice, pay_date)
        else:
            register_payment(env, invoice, pay_date)
