"""Amounts as people read them, the same on a page, in a spreadsheet and in a PDF."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def decimal_2(value) -> Decimal | None:
    """The value to the fen (two places, half up); None for nothing or what is not a number."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None


def money(value) -> str:
    """¥1,234.50 (negative: -¥1,234.50)."""
    amount = decimal_2(value)
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"
