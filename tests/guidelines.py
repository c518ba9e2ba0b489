"""Facts of ``shared/gold/GUIDELINES.md`` that several test files check data against."""

#: The fixed upper-case principals the guidelines name for organisations and non-state actors.
GUIDELINE_PRINCIPALS = frozenset(
    {
        "NATO",
        "UN",
        "EU",
        "AU",
        "ICRC",
        "HTS",
        "ISIS",
        "NUSRA",
        "PKK",
        "YPG",
        "SDF",
        "HAMAS",
        "HEZBOLLAH",
        "HOUTHIS",
        "TALIBAN",
        "FARC",
        "RSF",
        "TPLF",
        "WAGNER",
        "REBELS",
        "CIVILIANS",
    }
)
