from datetime import timedelta

from odoo import api, models

from ..tools.replay_state import ONE_DAY, CompanyDelays, ReplayFigures
from ..tools.rules import awaiting_answer
from ..tools.snapshot import DunningCustomer
from ..tools.stats import paid_stats


class AccountDunningReplay(models.AbstractModel):
    _name = "account.dunning.replay"
    _description = "Follow-up Policy Replay"

    # Replay: what a policy would have done, day by day, as of each day and with no look-ahead. Each morning: the
    # invoices posted and the reconciliations dated before that day, the statistics as of the day before (one
    # set-based query for the whole period), the segment and tolerance decided from them, then the decision of the
    # daily run itself (account.dunning.run._decide_partner) and its effects on the replayed invoices. Follow-ups
    # that need validation are taken as validated the same day. Loading: account_dunning_replay_load.py.

    @api.model
    def _replay(self, company, policy, date_from, date_to, first_day, data, watch=None):
        """Replay a policy from first_day (a warm-up before date_from) to date_to on the loaded data (_load).

        watch: a ReplayWatch following the progress and, for the customers it names, every decision.
        Returns the figures of the days from date_from (ReplayFigures.result()) and the ReplayFigures.
        """
        context = self._replay_context(company, policy, data, first_day, date_to)
        context["watch"] = watch
        invoices, customers, settlements, posts = self._build_state(company, data, first_day, context["paid"])
        context["invoices"] = invoices
        credits = self._credits_by_day(data, first_day)
        figures = ReplayFigures(date_from, date_to, context["levels"])
        earliest = context["earliest"]
        replayed = watch.only(customers) if watch else customers
        day, total = first_day, (date_to - first_day).days + 1
        while day <= date_to:
            self._replay_events(customers, settlements.pop(day, ()), posts.pop(day, ()), credits.pop(day, ()))
            context["company_curve"] = context["company_delays"].advance(day.replace(day=1))
            for customer in replayed.values():
                if customer.earliest and day >= customer.earliest + earliest:
                    self._replay_customer(context, day, customer, figures)
            day += ONE_DAY
            if watch:
                watch.day_done((day - first_day).days, total)
        figures.invoices = list(invoices.values())
        return figures.result(figures.invoices), figures

    @api.model
    def _replay_context(self, company, policy, data, first_day, last_day):
        """What the replay of a policy reads every day: its settings, compiled segment rules, ladders (per segment,
        and per live scenario for the customers given one), levels, and the statistics series."""
        run = self.env["account.dunning.run"].with_company(company)
        settings = policy._dunning_settings()
        scenarios = policy._dunning_scenarios()
        ladders = {scenario.id: run._get_ladder(scenario) for scenario in scenarios}
        by_origin = {
            (scenario.origin_scenario_id.id if policy.kind == "draft" else scenario.id): ladders[scenario.id]
            for scenario in scenarios
        }
        by_origin.pop(False, None)
        triggers = [level.trigger_days for ladder in ladders.values() for level in ladder.levels]
        paid, company_paid = self._get_paid_invoices(data, company, settings, first_day, last_day)
        return {
            "company": company,
            "run": run,
            "settings": settings,
            "rules": policy._dunning_segment_rules(),
            "by_segment": {segment.code: ladders[s.id] for s in scenarios for segment in s.segment_ids},
            "by_origin": by_origin,
            "levels": self._level_infos(scenarios),
            "earliest": timedelta(days=min([*triggers, 0])),
            "paid": paid,
            "window": timedelta(days=settings["window_days"]),
            "company_delays": CompanyDelays(company_paid, settings["window_days"], settings["late_days"]),
            "reply_pause_days": company.dunning_reply_pause_days,
            "limits": run._get_amount_limits(company),
            "policy_key": policy.id,
        }

    @api.model
    def _level_infos(self, scenarios):
        """Per level id: its label, channels and effects, as the replay's figures and effects read them."""
        return {
            level.id: {
                "label": f"{scenario.name} / {level.name}",
                "channels": tuple(level._get_channels()),
                "formal": level.letter_variant == "formal_notice",
                "to_litigation": level.to_litigation,
            }
            for scenario in scenarios
            for level in scenario._get_ordered_levels()
        }

    @api.model
    def _replay_events(self, customers, settlements, posts, credit_changes):
        """The morning of a day: invoices posted and reconciliations dated the day before, outstanding credits."""
        touched = set()
        for invoice in posts:
            customers[invoice.partner_id].open[invoice.item.id] = invoice
            touched.add(invoice)
        for invoice, index, amount, amount_currency, payment_day in settlements:
            invoice.settle(index, float(amount), float(amount_currency), payment_day)
            touched.add(invoice)
        for invoice in touched:
            invoice.refresh()
            if invoice.item.settled:
                customers[invoice.partner_id].open.pop(invoice.item.id, None)
        for partner_id in {invoice.partner_id for invoice in touched}:
            customers[partner_id].refresh_earliest()
        for partner_id, change in credit_changes:
            if partner_id in customers:
                customers[partner_id].credit += change

    @api.model
    def _replay_customer(self, context, day, customer, figures):
        """One customer on one day: its statistics, segment and tolerance as of the day before, then the run's
        decision on its snapshot, and the follow-up carried out in the replay."""
        partner = customer.partner
        settings = context["settings"]
        if customer.advance_paid(day, context["window"]) or customer.paid_stats is None:
            row = paid_stats(customer.paid_window(), settings["grace_days"], settings["late_days"])
            customer.paid_stats = partner._dunning_prepare_paid_stats(row)
        stats = partner._dunning_prepare_stats(
            customer.paid_stats, customer.overdue(day), customer.incidents(day, settings["window_days"])
        )
        stats["segment_override"] = customer.override
        stats["company_curve"] = context["company_curve"]
        partner._dunning_classify(settings, stats, context["rules"], memo=customer.memo)
        snapshot = DunningCustomer(
            partner=partner,
            items=[invoice.as_of(day, customer) for invoice in customer.open.values()],
            ladder=context["by_origin"].get(customer.scenario_id) or context["by_segment"].get(stats["segment"]),
            segment=stats["segment"],
            tolerance=stats["tolerance"],
            stats=stats,
            settings=settings,
            credit=customer.credit,
            excluded=customer.excluded,
            limits=context["limits"],
        )
        if customer.replies:
            # the replies known that morning (received before that day), and whether they were handled by then
            known = [(received, handled) for received, handled in customer.replies if received < day]
            customer.history["awaiting_answer"] = awaiting_answer(known, day, context["reply_pause_days"])
        decision = context["run"]._decide_partner(context["company"], day, snapshot, customer.history)
        watch = context["watch"]
        if watch and watch.trace is not None:
            watch.record(day, context["policy_key"], snapshot, decision, self._item_tolerances(day, snapshot))
        if decision["level"]:
            self._replay_act(context, day, customer, decision, figures)

    @api.model
    def _item_tolerances(self, day, snapshot):
        """{invoice id: (its tolerance, why)} of a customer's followed invoices on a day, as the run decides them."""
        run = self.env["account.dunning.run"]
        followed = [item for item in snapshot.items if run._is_move_followed(item, day)]
        return {
            item.id: snapshot.partner._dunning_invoice_tolerance(
                snapshot.settings, snapshot.stats, snapshot.tolerance, item, followed, day
            )
            for item in followed
        }

    @api.model
    def _replay_act(self, context, day, customer, decision, figures):
        """A follow-up sent in the replay: the invoices remember the level, a litigation level takes them out, a
        promise past its date ends, the customer's history and formal notices move on."""
        level = decision["level"]
        info = context["levels"][level.id]
        invoices = [context["invoices"][item.id] for item in decision["items"]]
        for invoice in invoices:
            invoice.item.level_rank = level.rank
            invoice.last_claim = day
            invoice.item.litigation = invoice.item.litigation or info["to_litigation"]
            invoice.clear_promise(day)
        customer.history["last_date"] = day
        if not level.pre_due:
            customer.history["last_post_due_date"] = day
        if info["formal"]:
            customer.notices.append(day)
        figures.record(day, customer.partner_id, level.id, invoices)
