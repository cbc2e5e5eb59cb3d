"""Integer system parameters within bounds, read by the scheduled jobs and the run wizard."""


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
