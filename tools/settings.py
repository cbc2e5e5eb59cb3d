"""Settings within bounds: integer system parameters read by the scheduled jobs and the run wizard, and the
numeric settings of companies and policies."""

from odoo.exceptions import ValidationError


def _bounded_int(value, default, low, high):
    """An integer setting read from text, within its bounds (the default when unset or unreadable)."""
    if value in (None, False, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


def read_bounded_setting(env, setting):
    """The integer system parameter of a (key, default, min, max) setting, within its bounds."""
    key, default, low, high = setting
    # sudo: a system parameter that every job and wizard reads, whoever runs it
    return _bounded_int(env["ir.config_parameter"].sudo().get_param(key), default, low, high)


def check_setting_bounds(records, bounds):
    """Raise a ValidationError naming the first setting of a record outside its {field: (minimum, maximum)}."""
    for record in records:
        for fname, (low, high) in bounds.items():
            if not low <= record[fname] <= high:
                raise ValidationError(
                    records.env._(
                        "%(setting)s must be between %(low)s and %(high)s (got %(value)s).",
                        setting=records._fields[fname].get_description(records.env)["string"],
                        low=low,
                        high=high,
                        value=record[fname],
                    )
                )
