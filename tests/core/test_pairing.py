"""The fitted pairing score's pieces: the global assignment is optimal and abstains below the
threshold, the run is the heaviest order-keeping chain, the shipped weights load, and the fitted
engine keeps the pairing contract (every section in at least one pair)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff.core import pairing
from policydiff.core.compare import compare
from policydiff.core.load import load_document

_edges = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.floats(-3, 3, allow_nan=False)), max_size=14
).map(lambda edges: list({(i, j): g for i, j, g in edges}.items()))


def _best_total(edges: list[tuple[tuple[int, int], float]]) -> float:
    """The greatest total gain of a one-to-one choice, by trying every subset (small inputs)."""
    best = 0.0
    positive = [(i, j, g) for (i, j), g in edges if g > 0]
    for size in range(len(positive) + 1):
        for chosen in itertools.combinations(positive, size):
            olds = [i for i, _, _ in chosen]
            news = [j for _, j, _ in chosen]
            if len(set(olds)) == len(olds) and len(set(news)) == len(news):
                best = max(best, sum(g for _, _, g in chosen))
    return best


@settings(max_examples=60, deadline=None)
@given(_edges)
def test_the_assignment_is_one_to_one_optimal_and_never_takes_a_pair_below_the_threshold(edges) -> None:  # type: ignore[no-untyped-def]
    gains = dict(edges)
    flat = [(i, j, g) for (i, j), g in edges]
    chosen = pairing.assign(flat)
    assert len({i for i, _ in chosen}) == len(chosen) == len({j for _, j in chosen})
    assert all(gains[pair] > 0 for pair in chosen)
    assert abs(sum(gains[pair] for pair in chosen) - _best_total(edges)) < 1e-6
    # The large-group way (SciPy's sparse matching) finds a choice as good.
    olds = sorted({i for i, _, g in flat if g > 0})
    news = sorted({j for _, j, g in flat if g > 0})
    if olds:
        sparse = pairing._sparse_matching([e for e in flat if e[2] > 0], olds, news)
        assert abs(sum(gains[pair] for pair in sparse) - _best_total(edges)) < 1e-6


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), st.floats(0.01, 2, allow_nan=False)), max_size=60))
def test_the_groups_of_many_edges_are_those_of_the_union_find(edges) -> None:  # type: ignore[no-untyped-def]
    """SciPy's connected components (many edges) and the union-find (few) make the same groups,
    each with its edges in the order given."""
    saved = pairing.GROUPS_AT_ONCE
    try:
        pairing.GROUPS_AT_ONCE = 1 << 60
        by_union_find = pairing._groups(edges)
        pairing.GROUPS_AT_ONCE = 1
        at_once = pairing._groups(edges)
    finally:
        pairing.GROUPS_AT_ONCE = saved
    assert sorted(at_once) == sorted(by_union_find)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.floats(0.01, 2, allow_nan=False)), max_size=10))
def test_the_run_is_the_heaviest_chain_that_keeps_the_order_on_both_sides(items) -> None:  # type: ignore[no-untyped-def]
    weights = {(a, b): w for a, b, w in items}
    chain = sorted(pairing.heaviest_chain([(a, b, w) for (a, b), w in weights.items()]))
    assert all(a1 < a2 and b1 < b2 for (a1, b1), (a2, b2) in zip(chain, chain[1:]))
    best = 0.0
    pairs = sorted(weights)
    for size in range(len(pairs) + 1):
        for subset in itertools.combinations(pairs, size):
            if all(a1 < a2 and b1 < b2 for (a1, b1), (a2, b2) in zip(subset, subset[1:])):
                best = max(best, sum(weights[p] for p in subset))
    assert abs(sum(weights[p] for p in chain) - best) < 1e-9


def test_the_shipped_weights_name_every_feature() -> None:
    model = pairing.shipped_model()
    assert model.first.names == pairing.FEATURES
    assert model.second.names == pairing.FEATURES + pairing.RUN_FEATURES
    assert 0 < model.second.threshold < 1


def test_the_fitted_engine_pairs_nec_and_says_why(tmp_path) -> None:  # type: ignore[no-untyped-def]
    comparison = compare(load_document("corpus/nec-2002.md"), load_document("corpus/nec-2024.txt"))
    old_seen = {p.old_index for p in comparison.pairs if p.old_index is not None}
    new_seen = {p.new_index for p in comparison.pairs if p.new_index is not None}
    assert old_seen == set(range(len(comparison.old.flat())))
    assert new_seen == set(range(len(comparison.new.flat())))
    scored = [p for p in comparison.pairs if p.why.startswith("fitted score")]
    assert scored and all("threshold" in p.why for p in scored)
    titles = {(p.old.bare_title, p.new.bare_title) for p in comparison.pairs if p.old and p.new}
    assert ("Contact us", "Contact US") in titles and ("Children's privacy", "Minor's Privacy") in titles


_DATA_SECTION = (
    "We collect the name, email address and phone number you give us when you register an account. "
    "We also collect the messages you send, the photos you upload and the people you follow. "
    "When you use the app we record the device you use, its settings, the network and your rough location. "
    "We keep a log of the pages you visit, the features you try and the time you spend on each of them."
)
_SHARING_SECTION = (
    "We share information with service providers who process it on our behalf under contract with us. "
    "We may disclose information to law enforcement when the law requires us to do so."
)


def _document(sections: list[tuple[str, str]]) -> str:
    return "# Policy\n\n" + "".join(f"## {title}\n\n{body}\n\n" for title, body in sections)


def test_a_new_section_repeating_text_its_pair_holds_takes_no_second_partner(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A new summary that repeats two sentences of a section kept whole is no part of a split of it:
    what it shares with the old section, that section's counterpart holds already."""
    summary = "In short: we collect the name, email address and phone number you give us when you register an account."
    old = tmp_path / "old.md"
    new = tmp_path / "new.md"
    old.write_text(_document([("What we collect", _DATA_SECTION), ("How we share", _SHARING_SECTION)]))
    kept = _DATA_SECTION.replace("the people you follow", "the accounts you follow")  # edited: no exact twin
    new.write_text(_document([("At a glance", summary), ("What we collect", kept),
                              ("How we share", _SHARING_SECTION)]))
    comparison = compare(load_document(old), load_document(new))
    collect = [p for p in comparison.pairs if p.old is not None and p.old.title == "What we collect"]
    assert [p.new.title for p in collect if p.new is not None] == ["What we collect"]
    glance = [p for p in comparison.pairs if p.new is not None and p.new.title == "At a glance"]
    assert [p.old for p in glance] == [None]


def test_a_section_cut_in_two_is_still_a_split(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The other side of the same test: a new section holding the half of a section its counterpart
    no longer holds brings text of its own, and joins it."""
    first, second = _DATA_SECTION.split(". When you use")
    old = tmp_path / "old.md"
    new = tmp_path / "new.md"
    old.write_text(_document([("What we collect", _DATA_SECTION), ("How we share", _SHARING_SECTION)]))
    new.write_text(_document([("What we collect", first + "."), ("Device and usage data", "When you use" + second),
                              ("How we share", _SHARING_SECTION)]))
    comparison = compare(load_document(old), load_document(new))
    collect = [p for p in comparison.pairs if p.old is not None and p.old.title == "What we collect"]
    assert sorted(p.new.title for p in collect if p.new is not None) == ["Device and usage data", "What we collect"]


_TERMS = [
    ("Who can use the services", "No one under 13 may create an account or use the services. You must be able to form "
     "a binding contract with us and comply with these terms and all applicable laws."),
    ("Rights you grant us", "You keep the rights you hold in your content, and you grant us a licence to host, store, "
     "use, display and distribute it so that we can operate and improve the services."),
    ("Privacy", "Your privacy matters to us. Read our privacy policy to learn how we handle your information when "
     "you use the services."),
    ("Your account", "You are responsible for any activity on your account. Keep your password safe and tell us at "
     "once about any unauthorised use of your account."),
    ("Termination", "You may stop using the services at any time. We may suspend or end your access if you break "
     "these terms or if we must do so by law."),
]


def _company_terms(company: str, edit: str = "") -> str:
    return f"## {company} Terms of Service\n\n" + "".join(
        f"### {title}\n\n{body}{edit}\n\n" for title, body in _TERMS
    )


def _paired_parents(comparison, old_side_copies: bool) -> set[str]:  # type: ignore[no-untyped-def]
    """The headings over the sections of the side holding the copies that the other side's
    sections pair with."""
    doc = comparison.old if old_side_copies else comparison.new
    flat = doc.flat()
    parent_of: dict[int, str] = {}
    current = ""
    for k, section in enumerate(flat):
        if section.bare_title.endswith("Terms of Service"):
            current = section.bare_title
        parent_of[k] = current
    titles = {title for title, _ in _TERMS}
    found = set()
    for p in comparison.pairs:
        if p.old is None or p.new is None or p.old.bare_title not in titles:
            continue
        found.add(parent_of[p.old_index if old_side_copies else p.new_index])
    return found


def test_a_version_holding_two_companies_copies_of_its_terms_pairs_the_other_with_its_own_company(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """One company's terms against a page holding the same terms twice, each under its company's
    heading, word for word alike: the texts tie, and the document's title (the company) against
    the copies' headings says which copy is the counterpart, whichever version holds the copies and
    whichever copy comes first. The other copy is added (or removed), whole."""
    for first, second in (("Alpha Inc.", "Beta Limited"), ("Beta Limited", "Alpha Inc.")):
        single = tmp_path / "single.md"
        both = tmp_path / "both.md"
        single.write_text("# Beta Limited Terms of Service\n\n" + "".join(
            f"## {title}\n\n{body}\n\n" for title, body in _TERMS))
        both.write_text("# Terms of Service\n\n" + _company_terms(first) + _company_terms(second))
        forward = compare(load_document(single), load_document(both))
        assert _paired_parents(forward, old_side_copies=False) == {"Beta Limited Terms of Service"}
        backward = compare(load_document(both), load_document(single))
        assert _paired_parents(backward, old_side_copies=True) == {"Beta Limited Terms of Service"}


_SHARED_BODY = (
    "## Cookies we use\n\nWe use cookies to keep you signed in and to remember your settings.\n\n"
    "## Your choices\n\nYou can block cookies in your browser settings at any time.\n"
)


def _heads(tmp_path, old_text: str, new_text: str):  # type: ignore[no-untyped-def]
    (tmp_path / "old.md").write_text(old_text, encoding="utf-8")
    (tmp_path / "new.md").write_text(new_text, encoding="utf-8")
    comparison = compare(load_document(tmp_path / "old.md"), load_document(tmp_path / "new.md"))
    return comparison, [p for p in comparison.pairs if 0 in (p.old_index, p.new_index)]


def test_document_heads_that_share_no_words_are_reported_removed_and_added(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The opening was replaced: a bare title, then a page banner with nothing of it.
    comparison, heads = _heads(
        tmp_path,
        "# Cookie Policy\n\n" + _SHARED_BODY,
        "# Your voice. Your audience.\n\nJoin millions of creators building real reach today.\n\n" + _SHARED_BODY,
    )
    assert sorted((str(p.old_index), str(p.new_index), p.status.name) for p in heads) == [
        ("0", "None", "REMOVED"), ("None", "0", "ADDED")]
    assert all("opening was replaced" in p.why for p in heads)
    # Lossless: the replaced words are still shown, each on its own side.
    removed = next(p for p in heads if p.old_index == 0)
    added = next(p for p in heads if p.new_index == 0)
    assert "Cookie" in removed.old.title  # type: ignore[union-attr]
    assert "creators" in added.new.body  # type: ignore[union-attr]
    assert not comparison.identical


def test_document_heads_that_share_text_or_have_none_still_pair(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, heads = _heads(tmp_path, "# Cookie Policy\n\nLast updated 2020.\n\n" + _SHARED_BODY,
                      "# Cookies Policy\n\nLast updated 2026. Join us.\n\n" + _SHARED_BODY)
    assert [(p.old_index, p.new_index) for p in heads] == [(0, 0)]
    # An old version with no opening at all: nothing to call removed, the new opening is compared.
    _, heads = _heads(tmp_path, _SHARED_BODY, "# Your voice\n\nJoin millions of creators.\n\n" + _SHARED_BODY)
    assert [(p.old_index, p.new_index) for p in heads] == [(0, 0)]
