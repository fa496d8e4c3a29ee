"""Matching a cancellation to the sale it reverses, on hand-computed cases."""

import pandas as pd

from toolkit.data.cancellations import match_cancellations


def lines(*rows):
    """Rows of (row, customer, product, quantity, date); a negative quantity is a cancellation."""
    frame = pd.DataFrame(rows, columns=["row", "customer_id", "product_id", "quantity", "order_date"])
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    frame["is_cancellation"] = frame["quantity"] < 0
    return frame


def matched(*rows):
    return sorted(match_cancellations(lines(*rows)).tolist())


def test_one_sale_and_its_cancellation():
    assert matched((0, "a", "P", 5, "2011-03-01 10:00"), (1, "a", "P", -5, "2011-03-01 10:12")) == [0, 1]


def test_two_identical_sales_one_cancellation_takes_the_later_sale():
    assert matched(
        (0, "a", "P", 5, "2011-01-01"), (1, "a", "P", 5, "2011-02-01"), (2, "a", "P", -5, "2011-02-02")
    ) == [1, 2]


def test_a_cancellation_before_the_only_sale_matches_nothing():
    assert matched((0, "a", "P", -5, "2011-01-01"), (1, "a", "P", 5, "2011-02-01")) == []


def test_other_quantity_customer_or_product_do_not_match():
    assert (
        matched(
            (0, "a", "P", 5, "2011-01-01"),
            (1, "a", "P", -4, "2011-01-02"),
            (2, "b", "P", -5, "2011-01-02"),
            (3, "a", "Q", -5, "2011-01-02"),
        )
        == []
    )


def test_a_cancellation_between_two_sales_takes_the_earlier_one():
    # the June sale is later than the March cancellation, so the January sale is the one reversed
    assert matched(
        (0, "a", "P", 5, "2011-01-01"), (1, "a", "P", -5, "2011-03-01"), (2, "a", "P", 5, "2011-06-01")
    ) == [0, 1]


def test_two_cancellations_and_one_sale_leave_one_return():
    assert matched(
        (0, "a", "P", 5, "2011-01-01"), (1, "a", "P", -5, "2011-01-02"), (2, "a", "P", -5, "2011-01-03")
    ) == [0, 1]


def test_same_moment_sale_is_no_later_than_its_cancellation():
    assert matched((5, "a", "P", -2, "2011-01-01 09:00"), (9, "a", "P", 2, "2011-01-01 09:00")) == [5, 9]


def test_product_codes_compare_trimmed_and_without_case():
    assert matched((0, "a", "post ", 1, "2011-01-01"), (1, "a", "POST", -1, "2011-01-02")) == [0, 1]


def test_row_order_of_the_input_does_not_matter():
    rows = [
        (0, "a", "P", 5, "2011-01-01"),
        (1, "a", "P", 5, "2011-02-01"),
        (2, "a", "P", -5, "2011-02-02"),
        (3, "b", "Q", 1, "2011-01-05"),
        (4, "b", "Q", -1, "2011-01-06"),
    ]
    assert matched(*rows) == matched(*reversed(rows)) == [1, 2, 3, 4]


def test_a_repeated_sale_line_gives_its_first_copy_to_the_cancellation():
    # rows 0 and 1 are exact copies (the duplicates rule removes row 1): the cancellation must take
    # row 0, the copy that stays, or the cancelled order would survive cleaning
    assert matched(
        (0, "a", "P", 5, "2011-01-01 10:00"),
        (1, "a", "P", 5, "2011-01-01 10:00"),
        (2, "a", "P", -5, "2011-01-01 10:10"),
    ) == [0, 2]


def test_an_earlier_sale_is_not_preferred_to_a_later_one_by_file_order():
    assert matched(
        (0, "a", "P", 5, "2011-02-01"), (1, "a", "P", 5, "2011-01-01"), (2, "a", "P", -5, "2011-02-02")
    ) == [0, 2]
