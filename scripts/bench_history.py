"""The `history` measure of scripts/bench.py: a real payment history (or the generated one of the benchmark)
replayed by the policy simulation.

The history (loaded by `load-history`, scripts/history_data.py) is cut in two periods: the first is where the
defaults may be tuned, the later one is reported separately, as a check on invoices nobody tuned on. Each period is
replayed, with the module's own replay (account.dunning.replay), under the shipped defaults (the company's current
policy), the fixed ladder and the simple habit rules (median, average or 75th percentile of the past delays plus 0
to 4 days, capped at 7 days, at 14 days or not at all), on all invoices and on the undisputed ones.
"""

import time
from datetime import timedelta

from history_data import disputed_move_ids

#: the simple rules printed in the short table (the others are only checked for dominance)
SHOWN_RULES = (("p75", 0, 7), ("p75", 0, 14), ("median", 0, None), ("median", 4, None))
STATISTICS = ("median", "avg", "p75")
NO_CAP = 60  # a cap no habit reaches: the rule without cap


def history_periods(env, split=None, warmup_days=60, lead_days=180):
    """(tuning period, validation period): from the first invoice + lead_days (the customers have a history by
    then) to the last due date, cut in the middle (or at `split`, the first day of the validation period)."""
    # a loaded history's invoices carry their CSV number (its templates, dated later, do not); generated ones do not
    env.cr.execute(
        "SELECT MIN(invoice_date) FILTER (WHERE ref IS NOT NULL), MAX(invoice_date_due) FILTER (WHERE ref IS NOT NULL),"
        " MIN(invoice_date), LEAST(MAX(invoice_date_due), CURRENT_DATE - 1) FROM account_move "
        "WHERE move_type = 'out_invoice' AND state = 'posted'"
    )
    first, last, first_any, last_any = env.cr.fetchone()
    first, last = (first, last) if first else (first_any, last_any)
    start = first + timedelta(days=lead_days)
    split = split or start + (last - start) / 2
    return (start, split - timedelta(days=1)), (split, last)


def simple_rule_policies(env, live):
    """Draft policies of the simple habit rules on the shipped scenarios, made once: {(statistic, margin, cap):
    policy}."""
    policies = env["account.dunning.policy"]
    rules = {}
    for statistic in STATISTICS:
        for margin in range(5):
            for cap in (7, 14, None):
                name = f"Simple rule: {statistic} + {margin} days" + (f", at most {cap}" if cap else "")
                policy = policies.search([("name", "=", name), ("company_id", "=", env.company.id)], limit=1)
                if not policy:
                    policy = live._dunning_copy_to_draft(name)
                    policy.write(policy._dunning_simple_rule_values(statistic, margin, cap or NO_CAP))
                rules[(statistic, margin, cap)] = policy
    return rules


def replay_period(env, policies, period, warmup_days):
    """Figures of each policy on a period: {key: (figures on all invoices, figures on undisputed ones)}."""
    replay = env["account.dunning.replay"]
    company = env.company
    first_day = period[0] - timedelta(days=warmup_days)
    data = replay._load(company, first_day, period[1])
    disputed = disputed_move_ids(env)
    results = {}
    for key, policy in policies.items():
        figures, details = replay._replay(company, policy, period[0], period[1], first_day, data)
        undisputed = [invoice for invoice in details.invoices if invoice.item.id not in disputed]
        results[key] = (figures, details.result(undisputed))
    return results


def row(name, figures, base):
    change = (figures["invoices_reminded"] - base["invoices_reminded"]) * 100.0 / max(base["invoices_reminded"], 1)
    wasted_share = figures["wasted_reminders"] * 100.0 / max(figures["invoices_reminded"], 1)
    return (
        f"  {name:<44} {figures['invoices_reminded']:>6} {change:>+7.1f}% {figures['wait_mean'] or 0:>7.2f} "
        f"{figures['wait_p90'] or 0:>6.1f} {figures['late_invoices']:>5} {figures['wasted_reminders']:>6} "
        f"{wasted_share:>5.1f}% {figures['formal_notices']:>6} {figures['followups']:>6}"
    )


def dominating_rules(results, shipped_key):
    """The simple rules that remind fewer invoices with a shorter wait than the shipped defaults (all invoices)."""
    shipped = results[shipped_key][0]
    return [
        key
        for key, (figures, _undisputed) in results.items()
        if isinstance(key, tuple)
        and figures["invoices_reminded"] < shipped["invoices_reminded"]
        and (figures["wait_mean"] or 0) < (shipped["wait_mean"] or 0)
    ]


def print_period(label, period, results, seconds):
    head = (
        f"  {'policy':<44} {'remind':>6} {'vs fix':>8} {'wait':>7} {'p90':>6} {'15+':>5} {'wasted':>6} "
        f"{'share':>6} {'notice':>6} {'f-ups':>6}"
    )
    for side, index in (("all invoices", 0), ("undisputed invoices", 1)):
        base = results["fixed"][index]
        print(f"history: {label} {period[0]} to {period[1]}, {side} ({seconds:.1f}s for {len(results)} replays)")
        print(head)
        print(row("shipped defaults", results["shipped"][index], base))
        print(row("fixed ladder +1, +15, +30, +45", base, base))
        for key in SHOWN_RULES:
            statistic, margin, cap = key
            name = f"{statistic} + {margin}" + (f", cap {cap}" if cap else "")
            print(row(name, results[key][index], base))
    dominating = dominating_rules(results, "shipped")
    print(
        f"history: {label}: simple rules reminding fewer invoices with a shorter wait than the shipped defaults: "
        + (", ".join(f"{s}+{m} cap {c}" for s, m, c in dominating) if dominating else "none"),
        flush=True,
    )


def measure_history(env, args):
    """Replay the loaded history: the shipped defaults against the fixed ladder and the simple rules, on a tuning
    period and a later validation period."""
    policies = env["account.dunning.policy"]
    fixed = policies._dunning_fixed_ladder(env.company)
    candidates = {"shipped": policies._dunning_live_policy(env.company), "fixed": fixed}
    candidates.update(simple_rule_policies(env, candidates["shipped"]))
    env.cr.commit()
    for label, period in zip(("tuning", "validation"), history_periods(env, args.split), strict=True):
        started = time.perf_counter()
        results = replay_period(env, candidates, period, args.warmup)
        print_period(label, period, results, time.perf_counter() - started)
