"""The QR payment encoders against the published vectors (../shared/reference/qr-payments.md), byte for
byte; what each refuses; and the rendered PNG read back by a QR reader (zxing-cpp)."""

from __future__ import annotations

import lzma
import random
import struct
import zlib
from decimal import Decimal

import pytest

from chalicelib.payments.qr import QrError, bysquare, epc, iban, lzma_raw, render, spd
from tests.payments.support import read_qr

# --- SPD (QR Platba) ---------------------------------------------------------------------------------

SPD_OFFICIAL = "SPD*1.0*ACC:CZ2806000000000168540115*AM:450.00*CC:CZK*MSG:PLATBA ZA ZBOZI*X-VS:1234567890"
SPD_ALL_FIELDS = (
    "SPD*1.0*ACC:CZ5855000000001265098001+RZBCCZPP*ALT-ACC:CZ5855000000001265098001+RZBCCZPP,"
    "CZ5855000000001265098001*AM:480.55*CC:CZK*CRC32:B51BE0B4*DT:20180420*MSG:PAYMENT FOR SOME STUFF*PT:P2P"
    "*RF:1234567890123456*RN:PETR DVORAK*X-ID:1234567890*X-KS:1234567890*X-PER:7*X-VS:1234567890")
SPD_KB = "SPD*1.0*ACC:CZ7801000000000000000123*AM:799.50*CC:CZK*DT:20221001*X-VS:9562231077"


def test_spd_official_example():
    assert spd.encode(iban="CZ2806000000000168540115", amount="450.00", currency="CZK",
                      message="PLATBA ZA ZBOZI", variable_symbol="1234567890") == SPD_OFFICIAL


def test_spd_all_fields_vector():
    text = spd.encode(
        iban="CZ5855000000001265098001", bic="RZBCCZPP",
        alternative_accounts=(("CZ5855000000001265098001", "RZBCCZPP"), ("CZ5855000000001265098001", None)),
        amount=Decimal("480.55"), currency="CZK", reference="1234567890123456", recipient="Petr Dvorak",
        due_date="20180420", payment_type="P2P", message="Payment for some stuff", crc32="B51BE0B4",
        retry_days=7, variable_symbol="1234567890", constant_symbol="1234567890", payment_id="1234567890")
    assert text == SPD_ALL_FIELDS


def test_spd_bank_example():
    import datetime as dt

    assert spd.encode(iban="CZ7801000000000000000123", amount=Decimal("799.5"), currency="CZK",
                      due_date=dt.date(2022, 10, 1), variable_symbol=9562231077) == SPD_KB


def test_spd_computed_crc32_is_over_the_canonical_string():
    text = spd.encode(iban="CZ2806000000000168540115", amount="450", currency="CZK", message="platba za zboží",
                      variable_symbol="1234567890", crc32=True)
    attrs = spd.parse(text)
    canonical = SPD_OFFICIAL  # the same attributes, sorted, without CRC32
    assert attrs["CRC32"] == f"{zlib.crc32(canonical.encode()):08X}"
    assert text == SPD_OFFICIAL.replace("*MSG:", f"*CRC32:{attrs['CRC32']}*MSG:")


def test_spd_escapes_star_and_transliterates():
    text = spd.encode(iban="CZ2806000000000168540115", message="Zboží *akce*")
    assert spd.parse(text)["MSG"] == "ZBOZI %2AAKCE%2A"


@pytest.mark.parametrize("kwargs, field", [
    ({"iban": "CZ2806000000000168540116"}, "iban"),  # check digits
    ({"iban": "CZ28060000000001685401"}, "iban"),  # length for CZ
    ({"iban": "CZ2806000000000168540115", "bic": "RZB"}, "iban_bic"),
    ({"iban": "CZ2806000000000168540115", "amount": "10000000.00"}, "amount"),
    ({"iban": "CZ2806000000000168540115", "amount": "0"}, "amount"),
    ({"iban": "CZ2806000000000168540115", "currency": "KORUNA"}, "currency"),
    ({"iban": "CZ2806000000000168540115", "message": "x" * 61}, "message"),
    ({"iban": "CZ2806000000000168540115", "recipient": "x" * 36}, "recipient"),
    ({"iban": "CZ2806000000000168540115", "variable_symbol": "12345678901"}, "variable_symbol"),
    ({"iban": "CZ2806000000000168540115", "variable_symbol": "12A"}, "variable_symbol"),
    ({"iban": "CZ2806000000000168540115", "reference": "1" * 17}, "reference"),
    ({"iban": "CZ2806000000000168540115", "retry_days": 31}, "retry_days"),
    ({"iban": "CZ2806000000000168540115", "due_date": "2024-01-01"}, "due_date"),
])
def test_spd_refuses_what_a_bank_refuses(kwargs, field):
    with pytest.raises(QrError) as error:
        spd.encode(**kwargs)
    assert error.value.field == field


# --- PAY by square -----------------------------------------------------------------------------------

BYSQUARE_JOHN = ("0004I0006UC5LT8E21H3IC1K9R40P82GJL22NTU0586BBEOEKDMQSVUUBAOP1C0FFE14UJA1F1LJMV0FONE35J05TRC77FTI"
                 "MV87NKNANNOFJB684000")
BYSQUARE_JANE = ("00054000DG4GL2L1JL66N01P4GCBG05KQEPULNMP9EB7MEE935VG4P4B1BDBN7MV4GU13R7DMGU9O93QEI2KQJLPTFFU7GJNP6"
                 "QL0UADVHOQ3B0OP0OO5P4L58M918PG00")


def test_bysquare_vector_john_doe():
    payment = bysquare.Payment(invoice_id="2015001", amount=Decimal("25.30"), currency="EUR",
                               iban="SK4523585719461382368397", beneficiary_name="John Doe")
    # The published vectors carry header version 0 (1.0.0); the payload already has the beneficiary block.
    assert bysquare.encode(payment, version=bysquare.VERSION_1_0) == BYSQUARE_JOHN


def test_bysquare_vector_jane_doe_with_diacritics_kept():
    payment = bysquare.Payment(invoice_id="2015001", amount=Decimal("45.55"), currency="EUR",
                               iban="SK2738545237537948273958", beneficiary_name="Jane Doe", note="bendzín")
    assert bysquare.encode(payment, version=bysquare.VERSION_1_0, strip_diacritics=False) == BYSQUARE_JANE


@pytest.mark.parametrize("code, amount, iban_, name, note", [
    (BYSQUARE_JOHN, "25.3", "SK4523585719461382368397", "John Doe", ""),
    (BYSQUARE_JANE, "45.55", "SK2738545237537948273958", "Jane Doe", "bendzín"),
])
def test_bysquare_vectors_decode_to_their_model(code, amount, iban_, name, note):
    decoded = bysquare.decode(code)
    assert (decoded["invoice_id"], decoded["amount"], decoded["currency"]) == ("2015001", amount, "EUR")
    assert (decoded["iban"], decoded["beneficiary_name"], decoded["note"]) == (iban_, name, note)
    assert decoded["version"] == 0 and decoded["type"] == 0


def test_bysquare_1_2_round_trip_by_hand():
    """The pipeline undone step by step with the standard library: base32hex, header, LZMA, CRC32."""
    import base64

    payment = bysquare.Payment(amount=Decimal("1234.50"), currency="EUR", iban="SK3112000000198742637541",
                               bic="SUBASKBX", variable_symbol="1042", due_date="20261205",
                               note="Objednávka 1042", beneficiary_name="Obchod s.r.o.")
    code = bysquare.encode(payment)
    assert set(code) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUV")  # fits the QR alphanumeric mode
    raw = base64.b32hexdecode(code + "=" * (-len(code) % 8))
    assert raw[0] == 0x02 and raw[1] == 0x00  # type 0 (pay), version 2 (1.2.0), document 0
    size = struct.unpack("<H", raw[2:4])[0]
    body = lzma.LZMADecompressor(format=lzma.FORMAT_RAW, filters=lzma_raw.DECODE_FILTERS).decompress(
        raw[4:], max_length=size)
    assert struct.unpack("<I", body[:4])[0] == zlib.crc32(body[4:])
    fields = body[4:].decode("utf-8").split("\t")
    assert fields[3:7] == ["1234.5", "EUR", "20261205", "1042"]
    assert fields[10] == "Objednavka 1042"  # diacritics removed by default
    assert fields[12:14] == ["SK3112000000198742637541", "SUBASKBX"]
    assert fields[16] == "Obchod s.r.o."


@pytest.mark.parametrize("changes, field", [
    ({"iban": "SK4523585719461382368398"}, "iban"),
    ({"beneficiary_name": ""}, "beneficiary_name"),  # required since 1.2
    ({"beneficiary_name": "x" * 71}, "beneficiary_name"),
    ({"note": "x" * 141}, "note"),
    ({"variable_symbol": "12345678901"}, "variable_symbol"),
    ({"constant_symbol": "12345"}, "constant_symbol"),
    ({"currency": "EURO"}, "currency"),
    ({"amount": Decimal("-1")}, "amount"),
    ({"due_date": "2026-12-05"}, "due_date"),
])
def test_bysquare_refuses_what_a_bank_refuses(changes, field):
    payment = bysquare.Payment(**{"iban": "SK4523585719461382368397", "amount": Decimal("10"),
                                  "beneficiary_name": "John Doe", **changes})
    with pytest.raises(QrError) as error:
        bysquare.encode(payment)
    assert error.value.field == field


def test_raw_lzma_without_end_marker_round_trips():
    """Our stream is liblzma's minus the end marker: shorter, and it decodes to the input at any size."""
    generator = random.Random(7)
    for size in (1, 2, 40, 300, 2000):
        text = "".join(generator.choice("abc\t0123456789SK") for _ in range(size)).encode()
        packed = lzma_raw.compress(text)
        assert lzma_raw.decompress(packed, len(text)) == text
        assert len(packed) < len(lzma.compress(text, format=lzma.FORMAT_RAW, filters=lzma_raw.FILTERS))


# --- EPC069-12 ---------------------------------------------------------------------------------------

EPC_WIKIMEDIA = ("BCD\n002\n2\nSCT\n\nWikimedia Foerdergesellschaft\nDE33100205000001194700\nEUR20\n\n\n"
                 "Spende fuer Wikipedia")


def test_epc_wikimedia_vector_equals_segno():
    from segno import helpers

    text = epc.encode(name="Wikimedia Foerdergesellschaft", iban="DE33100205000001194700", amount=20,
                      text="Spende fuer Wikipedia")
    assert text == EPC_WIKIMEDIA
    assert epc.to_bytes(text) == helpers._make_epc_qr_data(
        name="Wikimedia Foerdergesellschaft", iban="DE33100205000001194700", amount=20, text="Spende fuer Wikipedia")


def test_epc_structured_reference_and_utf8():
    reference = epc.creditor_reference("1042")
    assert epc.is_creditor_reference(reference)
    text = epc.encode(name="Łódź Shop", iban="DE89370400440532013000", bic="COBADEFFXXX", amount=Decimal("25.30"),
                      reference=reference)
    assert text.split("\n") == ["BCD", "002", "1", "SCT", "COBADEFFXXX", "Łódź Shop", "DE89370400440532013000",
                                "EUR25.3", "", reference]
    assert epc.to_bytes(text) == text.encode("utf-8")


@pytest.mark.parametrize("changes, field", [
    ({"currency": "CZK"}, "currency"),
    ({"iban": "DE89370400440532013001"}, "iban"),
    ({"name": ""}, "name"),
    ({"name": "x" * 71}, "name"),
    ({"text": "x" * 141}, "text"),
    ({"reference": "RF18539007547034"}, "reference"),  # with a text: never both
    ({"amount": Decimal("1000000000")}, "amount"),
    ({"amount": Decimal("0")}, "amount"),
    ({"version": "001"}, "bic"),
])
def test_epc_refuses_what_a_bank_refuses(changes, field):
    kwargs = {"name": "Shop", "iban": "DE89370400440532013000", "amount": Decimal("10"), "text": "Order 1", **changes}
    with pytest.raises(QrError) as error:
        epc.encode(**kwargs)
    assert error.value.field == field


# --- IBAN ------------------------------------------------------------------------------------------

def test_iban_checks_and_domestic_account():
    assert iban.normalize_iban("cz65 0800 0000 1920 0014 5399") == "CZ6508000000192000145399"
    assert iban.domestic_account("CZ6508000000192000145399") == "19-2000145399/0800"
    assert iban.domestic_account("CZ5855000000001265098001") == "1265098001/5500"
    assert iban.domestic_account("DE89370400440532013000") is None
    assert not iban.is_valid("GB82WEST12345698765433")
    assert iban.is_valid("GB82WEST12345698765432")


# --- rendering and reading back ----------------------------------------------------------------------

@pytest.mark.parametrize("text", [SPD_OFFICIAL, SPD_ALL_FIELDS, BYSQUARE_JOHN, BYSQUARE_JANE])
def test_qr_image_reads_back_as_the_encoder_text(text):
    decoded, _raw = read_qr(render.png_base64(text))
    assert decoded == text


def test_epc_qr_image_reads_back_and_fits_version_13():
    text = epc.encode(name="Wikimedia Foerdergesellschaft", iban="DE33100205000001194700", amount=20,
                      text="Spende fuer Wikipedia")
    decoded, raw = read_qr(render.png_base64(epc.to_bytes(text), max_version=epc.MAX_QR_VERSION))
    assert raw == epc.to_bytes(text) and decoded == text


def test_render_refuses_a_version_over_the_limit():
    with pytest.raises(QrError):
        render.png("A" * 600, max_version=epc.MAX_QR_VERSION)
