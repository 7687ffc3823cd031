"""Turning what an agent types into a PostgreSQL full-text query.

Every word becomes a prefix term (`'jan':*` finds "Jane"), all words must match. Each word is
quoted, with the characters that mean something in tsquery syntax removed, so no input can make a
syntax error. A query that looks like a phone number ("+49 151 1234-5678", "0151 12345678") is
reduced to its digits, which is how numbers are stored for search (see customers/contact.py).
"""

import re

from django.contrib.postgres.search import SearchQuery

TSQUERY_SPECIAL = re.compile(r"[&|!():*'\\<>]")
PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")
MIN_PHONE_DIGITS = 6


def search_terms(text: str) -> list[str]:
    text = (text or "").strip().lower()
    if PHONE_LIKE.match(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) >= MIN_PHONE_DIGITS:
            return [digits]
    terms = []
    for word in text.split():
        term = TSQUERY_SPECIAL.sub("", word)
        if re.search(r"\w", term) and term not in terms:
            terms.append(term)
    return terms[:8]


def prefix_term_query(term: str, *, configs: tuple[str, ...] = ("simple",)) -> SearchQuery:
    """One word as a prefix query; with several configs the word may match in any of them (so a
    word in the `english` config also finds its stem: "delays" finds "delayed")."""
    queries = [SearchQuery(f"'{term}':*", config=config, search_type="raw") for config in configs]
    combined = queries[0]
    for query in queries[1:]:
        combined = combined | query
    return combined
