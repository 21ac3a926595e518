"""What every table of fees shares: amounts as Decimal with two places, and zero."""

from decimal import Decimal

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")
