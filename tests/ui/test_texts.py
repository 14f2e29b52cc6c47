"""The one helper that fills a translated string's placeholders."""

from __future__ import annotations

from fieldcrm.ui.texts import fill


def test_placeholders_are_filled_in_order_of_their_numbers() -> None:
    assert fill("%2 knows %1", "Anna", "Ben") == "Ben knows Anna"


def test_a_value_holding_a_placeholder_is_kept_as_it_is() -> None:
    # Filled one after the other, "%2" inside the first value would have been replaced too.
    assert fill("%1 (%2)", "50%2 off", "Hamburg") == "50%2 off (Hamburg)"


def test_a_placeholder_without_a_value_stays() -> None:
    assert fill("%1 of %2", 3) == "3 of %2"
