"""Online Retail's stock codes that are not merchandise, written out by hand for the tests.

Postage (POST, DOT), manual lines (M), carriage (C2), discounts (D), samples (S),
bad debt (B), bank charges, pads, charity (CRUK), Amazon fees and adjustments:
the tests' own list, kept apart from ``toolkit.data.cleaning.NON_MERCHANDISE_CODES``
so that a change to the package's list shows up as a failing count.
"""

FEE_CODES = frozenset(
    {
        "POST",
        "DOT",
        "M",
        "C2",
        "D",
        "S",
        "B",
        "BANK CHARGES",
        "PADS",
        "CRUK",
        "AMAZONFEE",
        "ADJUST",
        "ADJUST2",
    }
)
