"""Rounding of money amounts: a total rounded once, its parts rounded so that they add up to it."""

import math


def allocate_rounded(values, rounding):
    """Round each value to the currency's rounding unit so that the rounded values add up to their sum rounded
    once (largest remainder): a total is rounded once, and each part stays within one unit of its own value.

    Example: 8.6466 and 8.6466 add up to 17.2932, rounded once 17.29: the parts are 8.65 and 8.64.
    """
    if not values:
        return []
    units = [value / rounding for value in values]
    total = math.floor(sum(units) + 0.5 + 1e-9)
    parts = [math.floor(unit + 1e-9) for unit in units]
    left = total - sum(parts)
    by_remainder = sorted(range(len(units)), key=lambda index: units[index] - parts[index], reverse=True)
    for index in by_remainder[: max(left, 0)]:
        parts[index] += 1
    return [part * rounding for part in parts]
