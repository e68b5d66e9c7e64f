"""Brazilian identifiers: parsing masked/unmasked input and formatting for display."""

import pytest
from stdnum.br import cpf

from webapp.core import documents as d


@pytest.mark.parametrize(
    "value,expected",
    [
        ("529.982.247-25", ("52998224725", "cpf")),
        ("52998224725", ("52998224725", "cpf")),
        (" 11.222.333/0001-81 ", ("11222333000181", "cnpj")),
    ],
)
def test_documents_are_accepted_masked_or_not(value, expected):
    assert d.parse_document(value) == expected


@pytest.mark.parametrize(
    "value", ["", "529.982.247-26", "111.111.111-11", "11.222.333/0001-82", "1234", "abc12345678"]
)
def test_invalid_documents_are_refused_with_a_message(value):
    with pytest.raises(d.InvalidDocument) as exc:
        d.parse_document(value)
    assert str(exc.value)


def test_generated_cpfs_pass_the_library_check():
    for n in (1, 123456789, 987654321, 400_000_000):
        assert cpf.is_valid(d.make_cpf(n))


def test_formats():
    assert d.format_document("52998224725") == "529.982.247-25"
    assert d.format_document("11222333000181") == "11.222.333/0001-81"
    assert d.format_cep("01310100") == "01310-100"
    assert d.format_phone("11912345678") == "(11) 91234-5678"
    assert d.format_phone("1131234567") == "(11) 3123-4567"


@pytest.mark.parametrize(
    "value,expected",
    [
        ("(11) 91234-5678", "11912345678"),
        ("+55 11 91234-5678", "11912345678"),
        ("011 3123-4567", "1131234567"),
        ("21 2555-1234", "2125551234"),
    ],
)
def test_phones_are_normalized(value, expected):
    assert d.parse_phone(value) == expected


@pytest.mark.parametrize(
    "value", ["(20) 91234-5678", "(11) 81234-5678", "1234-5678", "(11) 1123-4567"]
)
def test_bad_phones_are_refused(value):
    with pytest.raises(d.InvalidDocument):
        d.parse_phone(value)


def test_cep_and_uf():
    assert d.parse_cep("01310-100") == "01310100"
    with pytest.raises(d.InvalidDocument):
        d.parse_cep("0131-010")
    assert d.parse_uf("sp") == "SP"
    with pytest.raises(d.InvalidDocument):
        d.parse_uf("XX")
    assert len(d.UFS) == 27


def test_ean13():
    assert d.ean13_error("789.1000-315507") is None and d.ean13_error("") is None
    assert "dígito verificador" in d.ean13_error("7891000315508")
    assert "13 dígitos" in d.ean13_error("789100031550")
    assert d.normalize_ean(" 789 1000-315507 ") == "7891000315507"
