"""BankTransfer: a bank transfer to the shop's account, shown as a QR code the payer's banking app reads.

kwargs (both spellings of the original's docs work):

    iban | accountNumber        the shop's account (required; checked: country length, mod 97)
    bic | swiftCode             the bank's BIC (optional for SPD and EPC 002)
    beneficiary | beneficiaryName   the account holder's name, which PAY by square 1.2 and EPC require;
                                when absent, `bankName` stands in (original configs have nothing else)
    bankName                    shown to the payer
    currency                    the currency this account takes (optional; an order in another currency
                                is refused); with `standard` absent it also picks the standard
    standard                    SPD (Czech QR Platba), PAY_BY_SQUARE (Slovak) or EPC (SEPA GiroCode);
                                absent: SPD for CZK, EPC for EUR, else SPD
    note                        the payment message, "{number}" is the order number (default "Order {number}")
    due_days                    days from the order date to the due date (default 7; SPD and PAY by square)
    constant_symbol             Czech/Slovak constant symbol (optional)
    bank_account                the domestic account number to show (default: derived from a CZ/SK IBAN)

pay() takes the amount (total incl. VAT), currency and reference (order number, also the variable symbol)
from the order. The payment is confirmed by the dashboard or a bank-statement callback, so status() is the
stored status.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

from chalicelib.payments.base import KwargsError, PayBySquareMethod, PaymentError
from chalicelib.payments.qr import QrError, bysquare, epc, iban, render, spd

SPD, PAY_BY_SQUARE, EPC = "SPD", "PAY_BY_SQUARE", "EPC"
STANDARD_NAMES = {"SPD": SPD, "QR_PLATBA": SPD, "PAY_BY_SQUARE": PAY_BY_SQUARE, "PAYBYSQUARE": PAY_BY_SQUARE,
                  "BYSQUARE": PAY_BY_SQUARE, "EPC": EPC, "GIROCODE": EPC, "SEPA": EPC}
DEFAULT_NOTE = "Order {number}"
DEFAULT_DUE_DAYS = 7
MESSAGE_LIMITS = {SPD: 60, PAY_BY_SQUARE: 140, EPC: 140}
BENEFICIARY_LIMITS = {SPD: 35, PAY_BY_SQUARE: 70, EPC: 70}


def standard_for(standard: str | None, currency: str | None) -> str:
    if standard:
        return standard
    if currency == "EUR":
        return EPC
    return SPD


class BankTransfer(PayBySquareMethod):
    required_kwargs: ClassVar = (("iban", "accountNumber"),)
    kwarg_aliases: ClassVar = (("bic", "swiftCode"), ("beneficiary", "beneficiaryName"),
                               ("bankName", "bank_name"))
    default_currency: ClassVar[str | None] = None

    @classmethod
    def validate_kwargs(cls, kwargs: dict) -> dict:
        result = super().validate_kwargs(kwargs)
        result["iban"] = _checked(lambda: iban.normalize_iban(result["iban"], "iban"))
        result["bic"] = _checked(lambda: iban.normalize_bic(result.get("bic"), "bic"))
        currency = result.get("currency") or cls.default_currency
        if currency is not None:
            if not isinstance(currency, str) or not re.fullmatch(r"[A-Za-z]{3}", currency):
                raise KwargsError(f"kwarg currency: an ISO 4217 code, got {currency!r}")
            result["currency"] = currency = currency.upper()
        standard = result.get("standard")
        if standard is not None:
            name = STANDARD_NAMES.get(str(standard).strip().upper().replace(" ", "_").replace("-", "_"))
            if name is None:
                raise KwargsError(f"kwarg standard: {standard!r} is not one of SPD, PAY_BY_SQUARE, EPC")
            result["standard"] = standard = name
        if currency and standard_for(standard, currency) == EPC and currency != "EUR":
            raise KwargsError(f"kwarg currency: EPC (SEPA) QR codes carry EUR only, not {currency}")
        name = result.get("beneficiary") or result.get("bankName")
        for candidate in {standard_for(standard, currency), *([] if standard or currency else [EPC])}:
            if candidate != SPD and not name:
                raise KwargsError(f"kwarg beneficiary: the account holder's name is required for {candidate}")
            if name and len(str(name)) > BENEFICIARY_LIMITS[candidate]:
                raise KwargsError(f"kwarg beneficiary: at most {BENEFICIARY_LIMITS[candidate]} characters "
                                  f"for {candidate}")
        note = result.get("note", DEFAULT_NOTE)
        if not isinstance(note, str):
            raise KwargsError("kwarg note: must be text")
        try:
            longest = note.format(number="9" * 10)
        except (KeyError, IndexError, ValueError) as error:
            raise KwargsError(f"kwarg note: only {{number}} may be used ({error})") from None
        limit = MESSAGE_LIMITS[standard_for(standard, currency)]
        if len(longest) > limit:
            raise KwargsError(f"kwarg note: at most {limit} characters with the order number")
        due_days = result.get("due_days", DEFAULT_DUE_DAYS)
        if isinstance(due_days, bool) or not isinstance(due_days, int) or not 0 <= due_days <= 365:
            raise KwargsError("kwarg due_days: a whole number of days, 0 to 365")
        constant = result.get("constant_symbol")
        if constant is not None and not re.fullmatch(r"\d{1,4}", str(constant)):
            raise KwargsError("kwarg constant_symbol: 1 to 4 digits")
        return result

    # --- paying ---------------------------------------------------------------------------------------

    def pay(self) -> dict:
        currency = self.currency
        configured = self.kwargs.get("currency")
        if configured and configured != currency:
            raise PaymentError(f"{self.key}: the account takes {configured}, the order is in {currency}")
        standard = standard_for(self.kwargs.get("standard"), currency)
        try:
            qr_code = self._qr_code(standard, currency)
        except QrError as error:
            raise PaymentError(f"{self.key}: {error}") from None
        account = self.kwargs.get("bank_account") or iban.domestic_account(self.kwargs["iban"])
        data = {
            "amount": format(self.amount, "f"),
            "currency": currency,
            "reference": self.reference,
            "variable_symbol": self.reference,
            "iban": self.kwargs["iban"],
            "bic": self.kwargs.get("bic") or "",
            "beneficiary": self.beneficiary,
            "message": self.message,
            "standard": standard,
        }
        if account:
            data["bank_account"] = account
        if self.kwargs.get("bankName"):
            data["bank_name"] = self.kwargs["bankName"]
        if standard != EPC:
            data["due_date"] = self.due_date.isoformat()
        return {"qr_code": qr_code, "payment_id": self.reference, "payment_data": data}

    @property
    def beneficiary(self) -> str:
        return str(self.kwargs.get("beneficiary") or self.kwargs.get("bankName") or "")

    @property
    def message(self) -> str:
        return str(self.kwargs.get("note", DEFAULT_NOTE)).format(number=self.reference)

    @property
    def due_date(self) -> dt.date:
        created = dt.datetime.fromisoformat(str(self.order.get("create_at")).replace("Z", "+00:00"))
        return created.date() + dt.timedelta(days=int(self.kwargs.get("due_days", DEFAULT_DUE_DAYS)))

    def qr_text(self, standard: str, currency: str) -> str | bytes:
        """What the QR code holds for this order under `standard`."""
        if standard == SPD:
            return spd.encode(iban=self.kwargs["iban"], bic=self.kwargs.get("bic"), amount=self.amount,
                              currency=currency, variable_symbol=self.reference,
                              constant_symbol=self.kwargs.get("constant_symbol"), message=self.message,
                              recipient=self.beneficiary or None, due_date=self.due_date)
        if standard == PAY_BY_SQUARE:
            return bysquare.encode(bysquare.Payment(
                iban=self.kwargs["iban"], bic=self.kwargs.get("bic") or "", amount=self.amount, currency=currency,
                variable_symbol=self.reference, constant_symbol=str(self.kwargs.get("constant_symbol") or ""),
                note=self.message, due_date=self.due_date.strftime("%Y%m%d"), beneficiary_name=self.beneficiary))
        return epc.to_bytes(epc.encode(name=self.beneficiary, iban=self.kwargs["iban"], bic=self.kwargs.get("bic"),
                                       amount=self.amount, currency=currency, text=self.message))

    def _qr_code(self, standard: str, currency: str) -> str:
        data = self.qr_text(standard, currency)
        return render.png_base64(data, max_version=epc.MAX_QR_VERSION if standard == EPC else None)


class BankTransferCZK(BankTransfer):
    """The original's class name for a CZK account (SPD unless `standard` says otherwise)."""

    default_currency: ClassVar[str | None] = "CZK"


class BankTransferEUR(BankTransfer):
    """The original's class name for a EUR account (EPC unless `standard` says otherwise)."""

    default_currency: ClassVar[str | None] = "EUR"


def _checked(make):
    try:
        return make()
    except QrError as error:
        raise KwargsError(f"kwarg {error.field}: {error.message}") from None
