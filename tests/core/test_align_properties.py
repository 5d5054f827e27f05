"""Properties of the alignment: text that is still there is never reported removed; swapping the
versions mirrors the result (merged <-> split, added <-> removed); moved passages are found."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.core.compare import compare, with_overrides
from policydiff.core.model import Comparison, Kind, Overrides, Status
from policydiff.core.serialize import comparison_json
from policydiff.core.structure import parse_document

# A vocabulary big enough for sentences to be told apart, as real sections are.
_VOCABULARY = [
    f"{a}{b}" for a in ("data", "user", "cook", "part", "right", "secur", "law", "child", "ad", "consent",
                        "stor", "transf", "retain", "access", "shar", "process", "notic", "contact")
    for b in ("er", "ing", "ion", "al", "ity", "ed", "ence", "ment", "ive", "ous", "ist", "ure")
]


def _paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(_VOCABULARY) for _ in range(rng.randint(14, 30))).capitalize() + "."


def _sections(seed: int, count: int) -> list[tuple[str, list[str]]]:
    rng = random.Random(seed)
    titles = rng.sample(_VOCABULARY, count)
    return [(t.title(), [_paragraph(rng) for _ in range(rng.randint(2, 4))]) for t in titles]


def _render(sections: list[tuple[str, list[str]]]) -> str:
    return "# Policy\n\n" + "\n\n".join(
        f"## {title}\n\n" + "\n\n".join(paragraphs) for title, paragraphs in sections
    ) + "\n"


def _cut_and_paste(seed: int, count: int, victim: int, hosts: list[int]) -> tuple[str, str, str]:
    """Old document; new document where section ``victim`` is cut into pieces pasted into ``hosts``."""
    old = _sections(seed, count)
    title, paragraphs = old[victim]
    new = [(t, list(ps)) for k, (t, ps) in enumerate(old) if k != victim]
    targets = [h if h < victim else h - 1 for h in hosts]
    rng = random.Random(seed + 1)
    for k, paragraph in enumerate(paragraphs):
        host = targets[k % len(targets)]
        at = rng.randint(0, len(new[host][1]))
        new[host][1].insert(at, paragraph)
    return _render(old), _render(new), title


_cases = st.integers(min_value=4, max_value=7).flatmap(
    lambda count: st.tuples(
        st.integers(min_value=0, max_value=10_000),
        st.just(count),
        st.integers(min_value=0, max_value=count - 1),
        st.lists(st.integers(min_value=0, max_value=count - 1), min_size=1, max_size=3, unique=True),
    )
).filter(lambda c: c[2] not in c[3])


def _edges(comparison: Comparison) -> set[tuple[int, int]]:
    return {(p.old_index, p.new_index) for p in comparison.pairs if p.old_index is not None and p.new_index is not None}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_cases)
def test_a_section_cut_and_pasted_elsewhere_is_merged_not_removed(case: tuple[int, int, int, list[int]]) -> None:
    seed, count, victim, hosts = case
    old_text, new_text, title = _cut_and_paste(seed, count, victim, hosts)
    comparison = compare(parse_document(old_text), parse_document(new_text))
    entries = [p for p in comparison.pairs if p.old is not None and p.old.title == title]
    assert entries and all(p.status is not Status.REMOVED for p in entries)
    assert any(p.kind is Kind.MERGED for p in entries)
    # nothing else is removed or added either: every section's text is still there
    assert comparison.stats.sections_removed == comparison.stats.sections_added == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_cases)
def test_swapping_versions_mirrors_merges_and_splits(case: tuple[int, int, int, list[int]]) -> None:
    seed, count, victim, hosts = case
    old_text, new_text, _ = _cut_and_paste(seed, count, victim, hosts)
    a, b = parse_document(old_text), parse_document(new_text)
    forward, backward = compare(a, b), compare(b, a)
    assert _edges(backward) == {(j, i) for i, j in _edges(forward)}
    mirror = {Kind.MERGED: Kind.SPLIT, Kind.SPLIT: Kind.MERGED, Kind.ADDED: Kind.REMOVED, Kind.REMOVED: Kind.ADDED}
    kinds = {(p.old_index, p.new_index): p.kind for p in forward.pairs}
    for p in backward.pairs:
        assert p.kind is mirror.get(kinds[(p.new_index, p.old_index)], kinds[(p.new_index, p.old_index)]) or {
            p.kind, kinds[(p.new_index, p.old_index)]
        } <= {Kind.MOVED, Kind.RENAMED, Kind.CHANGED, Kind.UNCHANGED}


def test_merge_in_json_is_one_entry_per_old_section() -> None:
    old_text, new_text, title = _cut_and_paste(7, 5, 1, [2])
    data = comparison_json(compare(parse_document(old_text), parse_document(new_text)))
    merged = [p for p in data["pairs"] if p["kind"] == "merged"]
    assert len(merged) == 2 and len({p["new"]["line"] for p in merged}) == 1
    assert title in {p["old"]["title"] for p in merged}
    # every section of either side is in at least one entry
    assert {p["old"]["line"] for p in data["pairs"] if p["old"] and p["old"]["level"]} == {
        s["line"] for top in data["old"]["sections"] for s in [top, *top["children"]]
    }
    assert data["stats"]["sections_merged"] == 2


def test_split_in_json_mirrors_the_merge() -> None:
    old_text, new_text, title = _cut_and_paste(7, 5, 1, [2])
    data = comparison_json(compare(parse_document(new_text), parse_document(old_text)))
    split = [p for p in data["pairs"] if p["kind"] == "split"]
    assert len(split) == 2 and len({p["old"]["line"] for p in split}) == 1
    assert title in {p["new"]["title"] for p in split}


def test_a_moved_paragraph_is_linked_at_both_ends() -> None:
    sections = _sections(11, 5)
    moved = sections[0][1][0]
    edited = moved.replace(moved.split()[3], "amended", 1)
    new = [(t, list(ps)) for t, ps in sections]
    new[0][1].pop(0)
    new[3][1].append(edited)
    comparison = compare(parse_document(_render(sections)), parse_document(_render(new)))
    assert len(comparison.moved_passages) == 1
    passage = comparison.moved_passages[0]
    assert comparison.pairs[passage.old_pair].old.title == sections[0][0]
    assert comparison.pairs[passage.new_pair].new.title == sections[3][0]
    assert passage.old_text == moved and passage.new_text == edited
    assert passage.diff.stats.words_inserted == 1 and passage.diff.stats.words_deleted == 1
    data = comparison_json(comparison)
    [entry] = data["moved_passages"]
    assert entry["old"]["title"] == sections[0][0] and entry["new"]["title"] == sections[3][0]
    assert ["+", "amended"] in entry["ops"]


def test_a_paragraph_moved_inside_its_section_is_found() -> None:
    sections = _sections(12, 3)
    first = sections[1][1][0]
    new = [(t, list(ps)) for t, ps in sections]
    new[1] = (new[1][0], new[1][1][1:] + [first])
    comparison = compare(parse_document(_render(sections)), parse_document(_render(new)))
    [passage] = comparison.moved_passages
    assert passage.old_pair == passage.new_pair and passage.old_text == first


def test_overrides_take_one_section_out_of_a_merge_and_pair_several() -> None:
    # Pairing by hand takes the new section out of the automatic one-to-one core, so its other
    # partner can only come back through containment: the user's pairs must accept automatic
    # partners for text they contain (they once accepted none, and the merge came back as one entry).
    old_text, new_text, title = _cut_and_paste(7, 5, 1, [2])
    comparison = compare(parse_document(old_text), parse_document(new_text))
    merged = [p for p in comparison.pairs if p.kind is Kind.MERGED]
    victim = next(p for p in merged if p.old.title == title)
    out = with_overrides(comparison, Overrides(unpaired_pairs=((victim.old_index, victim.new_index),),
                                               unpaired_old=(victim.old_index,)))
    assert next(p for p in out.pairs if p.old_index == victim.old_index).status is Status.REMOVED
    rest = [p for p in out.pairs if p.new_index == victim.new_index]
    assert len(rest) == 1 and rest[0].old_index != victim.old_index and rest[0].kind is not Kind.MERGED
    # the user pairs it back, with the same new section: a merge again, made by hand
    back = with_overrides(out, Overrides(pairs=((victim.old_index, victim.new_index),)))
    again = [p for p in back.pairs if p.new_index == victim.new_index]
    assert len(again) == 2 and all(p.kind is Kind.MERGED for p in again)
    assert any(p.manual for p in again)


def test_same_template_about_different_places_is_not_paired() -> None:
    # One jurisdiction's notice removed and another's added, written from the same template: the
    # titles disagree on a distinctive word each, so a reader compares neither with the other.
    rng = random.Random(3)
    shared = [(t, [_paragraph(rng) for _ in range(2)]) for t in ("Dataing", "Userity", "Consenter")]

    def notice(place: str) -> tuple[str, list[str]]:
        return (f"{place} Privacy Disclosures",
                [f"If you live in {place}, the following applies to you under the laws of {place}: "
                 "you may ask us for a copy of your data and we answer within thirty days."])

    old = _render(shared + [notice("Korea")])
    new = _render(shared + [notice("Japan")])
    comparison = compare(parse_document(old), parse_document(new))
    korea = next(p for p in comparison.pairs if p.old is not None and p.old.title.startswith("Korea"))
    japan = next(p for p in comparison.pairs if p.new is not None and p.new.title.startswith("Japan"))
    assert korea.kind is Kind.REMOVED and japan.kind is Kind.ADDED
    # a renamed section keeps its partner: its new title word is one the old text already used
    renamed = _render(shared[:2] + [("Consent Choices", shared[2][1])] + [notice("Korea")])
    again = compare(parse_document(old), parse_document(renamed))
    assert not any(p.kind in (Kind.ADDED, Kind.REMOVED) for p in again.pairs)


def test_a_subsection_folded_into_a_section_pairs_there_not_with_a_look_alike_title() -> None:
    # The old "Provide Our Services" subsection now stands word for word inside the new "How We
    # Use Data" section; a new subsection "Services We Provide" shares its title words and a
    # little of its text. The text went to the first, so that is where a reader compares it.
    rng = random.Random(11)
    folded = [_paragraph(rng) for _ in range(2)]
    intro, other = _paragraph(rng), [_paragraph(rng) for _ in range(3)]
    old = (
        "# Policy\n\n## How We Use Data\n\n" + intro + "\n\n### Provide Our Services\n\n"
        + "\n\n".join(folded) + "\n\n## Sharing\n\n" + "\n\n".join(other) + "\n"
    )
    new = (
        "# Policy\n\n## How We Use Data\n\n" + intro + "\n\n" + "\n\n".join(folded)
        + "\n\n## Sharing\n\n" + "\n\n".join(other[:2]) + "\n\n### Services We Provide\n\n"
        + other[2] + " " + " ".join(folded[0].split()[:6]) + "\n"
    )
    comparison = compare(parse_document(old), parse_document(new))
    folded_pair = [p for p in comparison.pairs if p.old is not None and p.old.title == "Provide Our Services"]
    assert [p.new.title for p in folded_pair if p.new is not None] == ["How We Use Data"]
    assert folded_pair[0].kind is Kind.MERGED


def test_chapters_wrapped_around_numbered_sections_do_not_count_as_a_change_of_level() -> None:
    # The new version wraps its numbered articles in a chapter heading, moves the liability
    # article up and rewrites it under a new title: it still pairs with its old self by its text.
    rng = random.Random(5)
    articles = [(f"{k}. {t}", [_paragraph(rng) for _ in range(2)])
                for k, t in enumerate(("Definitions", "Accounts", "Content", "Liability"), start=1)]
    articles[3][1][0] += " This disclaimer limits our liability."
    rewritten = [text.split() for text in articles[3][1]]
    for words in rewritten:  # every other word changed
        words[::2] = ["changed"] * len(words[::2])
    moved = ("2. Disclaimer", [" ".join(words) for words in rewritten])
    new_articles = [articles[0], moved, articles[1], articles[2]]
    old = "# Terms\n\n" + "\n\n".join(f"## {t}\n\n" + "\n\n".join(ps) for t, ps in articles) + "\n"
    new = "# Terms\n\n## Chapter 1 General Rules\n\n" + "\n\n".join(
        f"### {t}\n\n" + "\n\n".join(ps) for t, ps in new_articles) + "\n"
    comparison = compare(parse_document(old), parse_document(new))
    liability = next(p for p in comparison.pairs if p.old is not None and p.old.title == "4. Liability")
    assert liability.new is not None and liability.new.title == "2. Disclaimer"


def test_a_table_of_contents_section_does_not_pair_by_the_headings_it_lists() -> None:
    # The old "About" section named every section; the new version drops it and adds a "Table
    # of contents" heading over links to the sections. Same words, but no counterpart.
    sections = _sections(21, 5)
    titles = [t for t, _ in sections]
    overview = "## About\n\nThis policy covers " + ", ".join(titles) + ".\n\n"
    contents = "## Table of contents\n\n" + "\n".join(
        f"{k}. [{t}](#{t.lower()})" for k, t in enumerate(titles, start=1)) + "\n\n"
    body = _render(sections)
    old = body.replace("# Policy\n\n", "# Policy\n\n" + overview, 1)
    new = body.replace("# Policy\n\n", "# Policy\n\n" + contents, 1)
    comparison = compare(parse_document(old), parse_document(new))
    toc = next(p for p in comparison.pairs if p.new is not None and p.new.title == "Table of contents")
    assert toc.kind is Kind.ADDED


def test_a_renamed_label_pairs_though_its_titles_share_no_word() -> None:
    # "Impressum" becomes "Imprint", the address under it edited: the titles are labels their
    # text never repeats, so they name no different subjects and the section pairs by its text.
    rng = random.Random(8)
    sections = _sections(8, 4)
    address = [_paragraph(rng) for _ in range(3)]
    edited = [address[0], address[1].replace(address[1].split()[2], "moved", 1), _paragraph(rng)]
    old = _render(sections + [("Impressum", address)])
    new = _render(sections + [("Imprint", edited)])
    comparison = compare(parse_document(old), parse_document(new))
    label = next(p for p in comparison.pairs if p.old is not None and p.old.title == "Impressum")
    assert label.new is not None and label.new.title == "Imprint"


def _summary_kind(sections: list[tuple[str, list[str]]], summary_words: list[str], new: str, seed: int) -> Kind:
    """How an old summary (these words, shuffled) before ``sections`` fares against ``new``."""
    random.Random(seed).shuffle(summary_words)
    old = _render([("Summary", [" ".join(summary_words).capitalize() + "."])] + sections)
    comparison = compare(parse_document(old), parse_document(new))
    return next(p for p in comparison.pairs if p.old is not None and p.old.title == "Summary").kind


def _rewritten(sections: list[tuple[str, list[str]]], keep: int = 1) -> list[tuple[str, list[str]]]:
    """Each section with its first paragraph kept and the others (but ``keep - 1``) rewritten."""
    return [(t, [ps[0]] + [_paragraph(random.Random(k)) for _ in ps[keep:]]) for k, (t, ps) in enumerate(sections)]


def test_a_summary_of_every_section_joins_none_of_them() -> None:
    # The old version opens with a summary in the words of every section (not their sentences);
    # the new one drops it. It resembles all of them alike, so it is removed, not merged into one
    # of them at random.
    sections = _sections(13, 5)
    words = [w for _, paragraphs in sections for w in paragraphs[0].lower().split()[:12]]
    assert _summary_kind(sections, words, _render(_rewritten(sections)), 13) is Kind.REMOVED


def test_a_summary_joins_no_section_though_the_others_stand_at_another_level() -> None:
    # As above, but the summary stands at the level of the first section only (the parts below
    # are subsections in the new version): it still resembles them all alike, so it joins none.
    sections = _sections(13, 5)
    words = [w for _, paragraphs in sections for w in paragraphs[0].lower().split()[:12]]
    (first, first_text), *rest = _rewritten(sections)
    new = f"# Policy\n\n## {first}\n\n" + "\n\n".join(first_text) + "\n\n" + "\n\n".join(
        f"### {t}\n\n" + "\n\n".join(ps) for t, ps in rest) + "\n"
    assert _summary_kind(sections, words, new, 13) is Kind.REMOVED


def test_a_summary_leaning_on_one_section_still_joins_none() -> None:
    # The summary says most about the first section but something of every other one: it sums up
    # the whole, and is not a piece of the first section.
    sections = _sections(13, 6)
    words = [w for _, paragraphs in sections for w in paragraphs[0].lower().split()[:8]]
    words += sections[0][1][1].lower().rstrip(".").split()
    new = [sections[0]] + _rewritten(sections, keep=2)[1:]
    assert _summary_kind(sections, words, _render(new), 14) is Kind.REMOVED


def test_a_new_heading_over_several_old_sections_is_added_not_the_first_ones_partner() -> None:
    # The new version groups three old sections under a new heading with no text of its own,
    # "Other Examples". Its first child came from old "Data Examples", a title word they share;
    # but the heading gathers three old sections, so it is new, not a part of the first.
    sections = _sections(17, 3)
    named = [("Data Examples", sections[0][1]), ("Device Records", sections[1][1]), ("Cookie Notes", sections[2][1])]
    old = _render(named)
    new = "# Policy\n\n## Other Examples\n\n" + "\n\n".join(
        f"### {t}\n\n" + "\n\n".join(ps) for t, ps in named) + "\n"
    comparison = compare(parse_document(old), parse_document(new))
    heading = [p for p in comparison.pairs if p.new is not None and p.new.title == "Other Examples"]
    assert [p.kind for p in heading] == [Kind.ADDED]


def test_a_section_the_new_page_repeats_pairs_with_one_copy() -> None:
    # The new page holds the terms twice (one company's, then another's), the old page once:
    # each old section is compared with one copy; the repetition is new text, not a split.
    sections = _sections(23, 4)
    old = _render(sections)
    twice = [("Part One", [_paragraph(random.Random(1))])] + sections + [
        ("Part Two", [_paragraph(random.Random(2))])] + sections
    comparison = compare(parse_document(old), parse_document(_render(twice)))
    for title, _ in sections:
        mine = [p for p in comparison.pairs if p.old is not None and p.old.title == title]
        assert len(mine) == 1 and mine[0].new is not None, title
    for title, _ in sections:
        copies = [p for p in comparison.pairs if p.new is not None and p.new.title == title]
        assert [p.kind is Kind.ADDED for p in copies].count(True) == 1, title


def test_sections_pair_with_the_copy_in_the_run_of_their_neighbours() -> None:
    # The new page holds the terms of two companies: the first company's copy differs in its last
    # sections (another law, another court), the second's is the old text. Where both copies say
    # the same, the old section pairs with the copy its neighbours pair with, the second one, and
    # not with whichever copy stands at the same relative place in the page.
    rng = random.Random(5)
    second = _sections(29, 6)
    first = second[:4] + [(title, paragraphs[:-1] + [_paragraph(rng)]) for title, paragraphs in second[4:]]
    new = [("First Company", [])] + first + [("Second Company", [])] + second
    for old_text, new_text, mirrored in ((_render(second), _render(new), False), (_render(new), _render(second), True)):
        comparison = compare(parse_document(old_text), parse_document(new_text))
        copies = comparison.new if not mirrored else comparison.old
        second_part = {k for k, s in enumerate(copies.flat()) if k > 6}
        for pair in comparison.pairs:
            mine, theirs = (pair.old_index, pair.new_index) if not mirrored else (pair.new_index, pair.old_index)
            if mine and theirs is not None:
                assert theirs in second_part, (mine, theirs)


def test_a_rewritten_part_of_a_split_section_joins_it_across_a_new_wrapper() -> None:
    # The new version wraps its numbered sections in a part heading (one level down in the
    # outline, the same depth in the numbering) and splits section 3 in two: the second half is
    # rewritten (its words shuffled, so little of its text is found word for word). It still
    # joins section 3, its only likeness.
    sections = _sections(31, 4)
    rng = random.Random(31)
    title, paragraphs = sections[2]
    shuffled = []
    for paragraph in paragraphs[1:]:
        words = paragraph.rstrip(".").lower().split()
        rng.shuffle(words)
        shuffled.append(" ".join(words).capitalize() + ".")
    old = "# Policy\n\n" + "\n\n".join(
        f"## {n}. {t}\n\n" + "\n\n".join(ps) for n, (t, ps) in enumerate(sections, 1)) + "\n"
    new_sections = sections[:2] + [(title, paragraphs[:1]), ("Further Terms", shuffled)] + sections[3:]
    new = "# Policy\n\n## The Company Terms\n\n" + "\n\n".join(
        f"### {n}. {t}\n\n" + "\n\n".join(ps) for n, (t, ps) in enumerate(new_sections, 1)) + "\n"
    comparison = compare(parse_document(old), parse_document(new))
    further = [p for p in comparison.pairs if p.new is not None and p.new.title == "4. Further Terms"]
    assert [p.old.title for p in further if p.old is not None] == [f"3. {title}"]


def test_a_look_alike_title_does_not_take_the_other_copy_of_a_paired_section() -> None:
    # The new page repeats the terms for a second company. The old "Rights You Grant Us" pairs
    # with the second company's copy; the old "Rights We Grant You" (the same words to a bag of
    # words, another text) was dropped: it must not take the first company's "Rights You Grant
    # Us", whose text is the other section's.
    rng = random.Random(7)
    body = _sections(41, 4)
    granted = [_paragraph(rng) for _ in range(3)]
    old = [("Rights We Grant You", [_paragraph(rng) for _ in range(2)]), ("Rights You Grant Us", granted)] + body
    second = [("Rights You Grant Us", granted)] + body
    # The first company's wording of the grant differs here and there (every third word).
    reworded = [" ".join(rng.choice(_VOCABULARY) if k % 3 == 2 else w for k, w in enumerate(p.split())) for p in granted]
    first = [("Rights You Grant Us", reworded)] + second[1:3] + [
        (title, paragraphs[:-1] + [_paragraph(rng)]) for title, paragraphs in second[3:]]
    new = [("First Company", [])] + first + [("Second Company", [])] + second
    comparison = compare(parse_document(_render(old)), parse_document(_render(new)))
    first_copy = next(k for k, section in enumerate(comparison.new.flat()) if section.title == "Rights You Grant Us")
    dropped = [p for p in comparison.pairs if p.old is not None and p.old.title == "Rights We Grant You"]
    assert dropped and all(p.new_index != first_copy for p in dropped)


def test_every_pair_and_every_unpaired_section_says_why() -> None:
    """The reason is kept on the pair (not computed and dropped) and written to ``--json``: the
    step and its measures for a pair, and for an unpaired section why it has no partner."""
    from policydiff.core.serialize import pair_json

    def _doc(sections: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
        return parse_document("# Policy\n\n" + "".join(f"## {t}\n\n{b}\n\n" for t, b in sections), name="p.md")

    def old_index(document, title: str) -> int:  # type: ignore[no-untyped-def]
        return next(k for k, s in enumerate(document.flat()) if s.title == title)

    old = _doc([("Contact us", "Write to us at the address below for any question about this policy."),
                ("Cookies", "We use cookies and web beacons to remember your settings and count visits."),
                ("Browsing", "Our servers log the pages you view and the browser you use.")])
    new = _doc([("Contact us", "Write to us at the address below for any question about this notice."),
                ("Cookies", "We use cookies and web beacons to remember your settings and count visits."),
                ("Retention", "We keep personal data for as long as the law requires and no longer.")])
    comparison = compare(old, new)
    assert all(p.why for p in comparison.pairs)
    by_title = {(p.old.title if p.old else None, p.new.title if p.new else None): p for p in comparison.pairs}
    assert "body" in by_title[("Cookies", "Cookies")].why and "title 1.00" in by_title[("Cookies", "Cookies")].why
    assert by_title[("Browsing", None)].kind is Kind.REMOVED
    assert "pair" in by_title[("Browsing", None)].why or "shares" in by_title[("Browsing", None)].why
    assert pair_json(by_title[("Contact us", "Contact us")])["why"] == by_title[("Contact us", "Contact us")].why
    overridden = with_overrides(comparison, Overrides(unpaired_old=(old_index(old, "Contact us"),)))
    assert any(p.why == "unpaired by hand" for p in overridden.pairs if p.new is None)
