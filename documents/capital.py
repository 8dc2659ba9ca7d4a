"""Amounts in Chinese capital numerals (大写金额), as written on contracts and cheques."""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿", "兆")
CENT = Decimal("0.01")


def capital_yuan(amount) -> str:
    """``Decimal("12000000.5")`` → "人民币壹仟贰佰万元伍角整". Negative amounts are refused."""
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("negative amount")
    whole = int(amount)
    if whole >= 10 ** (4 * len(GROUPS)):
        raise ValueError("amount too large")
    cents = int((amount - whole) * 100)
    jiao, fen = divmod(cents, 10)
    text = _integer(whole)
    if text:
        text += "元"
    if not cents:
        return "人民币" + (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += "零"
    text += DIGITS[fen] + "分" if fen else "整"
    return "人民币" + text


def capital_wan(amount_wan) -> str:
    """An amount in 万元 (ten thousand yuan), written out in yuan."""
    return capital_yuan(Decimal(amount_wan) * 10000)


def _integer(number: int) -> str:
    digits = str(number) if number else ""
    out, zero_pending, group_has_digit = [], False, False
    for i, ch in enumerate(digits):
        position = len(digits) - 1 - i
        digit = int(ch)
        if digit == 0:
            zero_pending = True
        else:
            if zero_pending and out:
                out.append("零")
            zero_pending = False
            out.append(DIGITS[digit] + UNITS[position % 4])
            group_has_digit = True
        if position % 4 == 0:
            if group_has_digit:
                out.append(GROUPS[position // 4])
            group_has_digit = False
    return "".join(out)
