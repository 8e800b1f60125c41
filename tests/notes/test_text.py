import pytest

from studyapp.notes.parse.text import NoteError, decode, repair_mojibake, to_lines


def test_it_repairs_utf8_that_was_read_as_mac_roman():
    assert repair_mojibake("\uf8ffüéØ Scope and Mainframe ‚Üí DMS") == "🎯 Scope and Mainframe → DMS"
    assert repair_mojibake("‚îú‚îÄ‚îÄ raw/") == "├── raw/"


def test_it_repairs_utf8_that_was_read_as_windows_1252():
    assert repair_mojibake("itâ€™s â€œquotedâ€\x9d") == "it’s “quoted”"
    assert repair_mojibake("cafÃ©") == "café"


@pytest.mark.parametrize("text", [
    "it’s “quoted” — dash – and 🎯 → ✓ ├──│",
    "naïve café “élan” ½ × ÷",
    "Ünïcödé straße",
])
def test_it_leaves_correct_text_exactly_as_it_is(text):
    assert repair_mojibake(text) == text


def test_it_normalises_line_endings_and_no_break_spaces_but_keeps_line_numbers():
    lines, repaired = to_lines("a\r\nb\u00a0c\rd")
    assert [(l.number, l.text) for l in lines] == [(1, "a"), (2, "b c"), (3, "d")]
    assert repaired == []


def test_it_strips_a_byte_order_mark():
    assert decode("\ufeffhello".encode("utf-8"), 100) == "hello"


def test_it_refuses_binary_files():
    with pytest.raises(NoteError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00", 100)


def test_it_refuses_text_that_is_not_utf8_and_names_the_line():
    with pytest.raises(NoteError) as error:
        decode("line one\nline two caf\xe9\n".encode("latin-1"), 1000)
    assert error.value.line == 2
    assert "not valid UTF-8" in error.value.message


def test_it_refuses_files_over_the_size_limit():
    with pytest.raises(NoteError, match="over the 10-byte limit"):
        decode(b"x" * 11, 10)
