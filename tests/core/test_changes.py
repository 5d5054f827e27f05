"""The classification of changes: lexicons, signals, cosmetic kinds, and the views that read it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff.core import change_model, changes
from policydiff.core.changes import (
    LEXICON_FILES,
    LEXICON_KINDS,
    SIGNAL_KINDS,
    Signal,
    classify,
    cosmetic_kind,
    lexicons,
    read_lexicon,
    signals,
    stems,
)
from policydiff.core.compare import compare
from policydiff.core.serialize import comparison_json
from policydiff.core.structure import parse_document

ROOT = Path(__file__).resolve().parents[2]
LEXICON_DIR = ROOT / "policydiff" / "core" / "lexicons"


# -- lexicons -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*LEXICON_FILES, "number", "date", "units", "references", "recorded"])
def test_each_lexicon_is_a_data_file_of_distinct_entries(kind: str) -> None:
    entries = read_lexicon(kind)
    assert len(entries) >= 8
    assert (LEXICON_DIR / f"{kind}.txt").is_file()
    assert len(set(entries)) == len(entries), [e for e in entries if entries.count(e) > 1]
    for entry in entries:
        assert entry == entry.lower() and entry == entry.strip()
        assert stems(entry), entry
        if entry.startswith("="):
            assert " " not in entry, "an entry matched as written is one word"


def test_lexicon_files_are_package_data() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"lexicons/*.txt"' in pyproject
    assert {p.stem for p in LEXICON_DIR.glob("*.txt")} == {*LEXICON_FILES, "number", "date", "units", "references",
                                                           "recorded"}


def test_inflections_meet_one_entry() -> None:
    # Stemmed entries: one entry covers a word's forms.
    for word, kind in [("advertisers", "party"), ("affiliated", "party"), ("arbitrate", "law"),
                       ("deleting", "right"), ("withdrawn", "right"), ("children", "scope"), ("trained", "purpose")]:
        found = changes.features(f"We {word} it.").terms
        assert kind in found, (word, found)


def test_words_sharing_a_stem_with_a_signal_are_not_taken_for_it() -> None:
    # "located" is not location data, "personal" is not "personalised", a user's profile is not profiling.
    for sentence in ["If you are located in Canada.", "Your personal details.", "Edit your profile."]:
        found = changes.features(sentence).terms
        assert "data" not in found and "purpose" not in found, (sentence, found)
    # "objectively" and a company's "objectives" are no right to object, which stays one in its forms.
    for sentence in ["We review reports objectively.", "Our objectives are these."]:
        assert "right" not in changes.features(sentence).terms, sentence
    for sentence in ["You may object to it.", "You can raise an objection.", "If you objected, we stop."]:
        assert "right" in changes.features(sentence).terms, sentence


# -- signals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, kind, old_words, new_words",
    [
        ("We may share your data.", "We will share your data.", "modal", "may", "will"),
        ("We do not sell your data.", "We sell your data.", "negation", "not", ""),
        ("We don't sell your data.", "We do sell your data.", "negation", "not", ""),
        ("We keep it for 30 days.", "We keep it for 3 years.", "number", "30 days", "3 years"),
        ("We keep it for thirty (30) days.", "We keep it for ninety (90) days.", "number", "30 days", "90 days"),
        ("We keep it for 30 days.", "We keep it for 30 months.", "number", "30 days", "30 months"),
        ("We share it with affiliates.", "We share it with affiliates and advertisers.", "party", "", "advertisers"),
        ("We collect your name.", "We collect your name and biometric data.", "data", "", "biometric"),
        ("You may ask us to delete it.", "You may ask us to keep it.", "right", "delete", ""),
        ("We use it to improve the service.", "We use it to train our AI models.", "purpose", "", "train, ai, models"),
        ("Disputes go to court.", "Disputes go to binding arbitration.", "law", "court", "binding arbitration"),
        ("This applies to users.", "This applies to users in the European Union.", "scope", "", "european union"),
        ("Effective May 25, 2018.", "Effective January 1, 2024.", "date", "May 25, 2018", "January 1, 2024"),
    ],
)
def test_signal_of_each_kind(old: str, new: str, kind: str, old_words: str, new_words: str) -> None:
    found = {s.kind: s for s in signals(old, new)}
    assert kind in found, found
    assert found[kind].old.lower() == old_words.lower() and found[kind].new.lower() == new_words.lower()


def test_a_month_may_is_a_date_not_a_modal_and_a_cross_reference_is_no_number() -> None:
    assert [s.kind for s in signals("Updated May 1, 2020.", "Updated May 2, 2020.")] == ["date"]
    assert signals("As set out in Section 5, we may share it.", "As set out in Section 6, we may share it.") == ()


def test_rewording_without_a_signal_is_no_signal() -> None:
    assert signals("We share it with our affiliates.", "We disclose it to our affiliates.") == ()
    # a signal word moved within its sentence is still there
    assert signals("We may, at times, share it.", "At times, we may share it.") == ()


def test_a_modal_alone_does_not_make_a_new_sentence_substantive() -> None:
    # Nearly every sentence has a modal verb: it is a signal of a new sentence, but the fitted
    # model does not call a short pointer with only that substantive.
    pointer = "You can read more below."
    assert [s.kind for s in signals("", pointer)] == ["modal"]
    assert not change_model.substantive(signals("", pointer), "", pointer)
    right = "You can ask us to delete it."
    assert "right" in {s.kind for s in signals("", right)}
    assert change_model.substantive(signals("", right), "", right)


def test_the_fitted_weights_are_data_the_model_reads() -> None:
    data = json.loads((ROOT / "policydiff" / "core" / "change_weights.json").read_text(encoding="utf-8"))
    assert 0.0 < data["threshold"] < 1.0
    # Every weight names a feature the model can produce (a renamed feature would weigh nothing).
    known = {"bias", *(f"{p}:{k}" for k in SIGNAL_KINDS for p in ("kind", "edit")), "where:title", "where:moved"}
    produced: set[str] = set()
    for old, new in [("We keep it 30 days.", "We keep it 3 years, as set out at https://x.y."), ("", "Last updated: May 1, 2024"),
                     ("", "* Updated 8.2 to add 75034"), ("Contact us by email.", "Contact us: 5700 Main St")]:
        produced |= set(change_model.change_features(signals(old, new), old, new))
    assert set(data["weights"]) - known <= produced | {"modal_only"}, set(data["weights"]) - known - produced
    assert '"change_weights.json"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_signal_reads_as_a_tooltip() -> None:
    assert str(Signal("modal", "may", "will")) == "modal: may \u2192 will"
    assert str(Signal("party", "", "advertisers")) == "party: \u2205 \u2192 advertisers"


def test_a_period_said_in_words_shows_as_its_phrase_not_a_bare_word() -> None:
    # "number: ∅ → retain" read as if "retain" were a number: the phrase says which period.
    old, new = "We keep your data for 30 days.", "We retain your data for as long as your account is open, then delete it."
    shown = {s.kind: s for s in changes.with_period_phrases(signals(old, new), old, new)}
    assert shown["number"].old == "30 days"
    assert shown["number"].new == "retain your data for as long as your account is open"  # one phrase, not two
    assert str(shown["right"]) == "right: \u2205 \u2192 delete"  # other kinds as they were
    added = "The retention period may depend on the law."
    assert str(changes.with_period_phrases(signals("", added), "", added)[0]) == "number: \u2205 \u2192 retention period"
    # In a comparison: the change's signals read so, and the decision is the same as before.
    comparison = compare(parse_document(f"# Retention\n\n{old}\n", name="a.md"),
                         parse_document(f"# Retention\n\n{new}\n", name="b.md"))
    (change,) = [c for c in comparison.changes if c.change_class == "substantive"]  # type: ignore[attr-defined]
    assert "number: 30 days \u2192 retain your data for as long as your account is open" in change.tip


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABCDEF.,;'0123456789\n", max_size=120))
def test_a_text_has_no_signal_against_itself(text: str) -> None:
    assert signals(text, text) == ()


# -- cosmetic kinds -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, deleted, inserted, kind",
    [
        ("We share it.", "We  share it.", " ", "  ", "white space"),
        ("We share it, with you.", "We share it with you.", ",", "", "punctuation only"),
        ("We don't sell it.", "We don\u2019t sell it.", "don't", "don\u2019t", "typography"),
        ("We Share It.", "We share it.", "Share It", "share it", "case"),
        ("1. We share it.", "2. We share it.", "1.", "2.", "numbering"),
        ("- We share it.", "* We share it.", "-", "*", "list bullets"),
    ],
)
def test_cosmetic_kinds(old: str, new: str, deleted: str, inserted: str, kind: str) -> None:
    assert cosmetic_kind(old, new, deleted, inserted) == kind


def test_a_changed_word_is_not_cosmetic() -> None:
    assert cosmetic_kind("We may share it.", "We will share it.", "may", "will") is None
    assert cosmetic_kind("", "We share it.", "", "We share it.") is None


# -- on comparisons -----------------------------------------------------------------------------

OLD = """# Privacy

## 1. Sharing

We do not sell your personal data. We may share it with our affiliates.

## 2. Retention

We keep your data for 30 days. This policy explains our practices.

## 3. Contact

Contact us by email.
"""

NEW = """# Privacy

## 1. Sharing

We sell your personal data. We will share it with our affiliates and advertisers.

## 2. Retention

We keep your data for 3 years. This policy describes our practices.

## 3. Contact

Contact us by Email.
"""


def _comparison() -> object:
    return compare(parse_document(OLD, name="old.md"), parse_document(NEW, name="new.md"))


def test_every_change_is_classified_once_and_cached_on_the_comparison() -> None:
    comparison = _comparison()
    found = comparison.changes  # type: ignore[attr-defined]
    assert found is comparison.changes  # type: ignore[attr-defined]
    by_text = {(c.old, c.new): c for c in found}
    assert by_text[("We do not sell your personal data.", "We sell your personal data.")].change_class == "substantive"
    shared = by_text[("We may share it with our affiliates.", "We will share it with our affiliates and advertisers.")]
    assert {s.kind for s in shared.signals} == {"modal", "party"}
    assert by_text[("We keep your data for 30 days.", "We keep your data for 3 years.")].signals[0].kind == "number"
    assert by_text[("This policy explains our practices.", "This policy describes our practices.")].change_class == "editorial"
    classes = {c.change_class for c in found}
    assert classes == {"substantive", "editorial", "cosmetic"}
    assert any(c.cosmetic == "case" for c in found)


def test_json_changes_contract() -> None:
    data = comparison_json(_comparison())  # type: ignore[arg-type]
    assert data["changes"]
    for entry in data["changes"]:
        assert {"pair", "class", "signals", "old", "new"} <= set(entry)
        assert entry["class"] in ("substantive", "editorial", "cosmetic")
        assert 0 <= entry["pair"] < len(data["pairs"])
        for signal in entry["signals"]:
            assert set(signal) == {"kind", "old", "new"} and signal["kind"] in SIGNAL_KINDS
    counted = {k: v for k, v in data["stats"].items() if k.startswith("changes_")}
    assert sum(counted.values()) == len(data["changes"])


def test_report_opens_with_key_changes_linking_to_their_sections() -> None:
    from policydiff.core.report import render_report

    comparison = _comparison()
    html = render_report(comparison)  # type: ignore[arg-type]
    main = html.index("<main>")
    assert html.index('id="key-changes-h"') < html.index('id="summary-h"')
    assert main < html.index('id="key-changes-h"')
    for change in comparison.changes:  # type: ignore[attr-defined]
        if change.change_class == "substantive":
            assert f'href="#pair-{change.pair + 1}"' in html
            assert f'id="pair-{change.pair + 1}"' in html
    assert "modal: may \u2192 will" in html
    assert "<script" not in html


def test_moved_passage_is_one_change_not_a_deletion_and_an_insertion() -> None:
    passage = "We review the data we hold about you every year and erase what we no longer need for the service."
    alpha = "First paragraph of alpha stays here and says a great deal about alpha."
    beta = "First paragraph of beta stays here and says a great deal about beta."
    old = f"# P\n\n## Alpha section\n\n{alpha}\n\n{passage}\n\n## Beta section\n\n{beta}\n"
    new = f"# P\n\n## Alpha section\n\n{alpha}\n\n## Beta section\n\n{beta}\n\n{passage}\n"
    comparison = compare(parse_document(old, name="a.md"), parse_document(new, name="b.md"))
    assert comparison.moved_passages
    found = classify(comparison)
    assert [c.where for c in found] == ["moved"]
    assert found[0].change_class == "editorial"


def test_a_heading_that_became_text_is_not_substantive() -> None:
    old = "# P\n\n## Sharing with third parties\n\nWe share data.\n\n## Other\n\nText.\n"
    new = "# P\n\nSharing with third parties\n\nWe share data.\n\n## Other\n\nText.\n"
    comparison = compare(parse_document(old, name="a.md"), parse_document(new, name="b.md"))
    assert all(c.change_class != "substantive" for c in classify(comparison))


def test_nec_showcase_key_changes_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "nec.html"
    run = subprocess.run(
        [sys.executable, "-m", "policydiff", str(ROOT / "corpus" / "nec-2002.md"), str(ROOT / "corpus" / "nec-2024.txt"),
         "--report", str(out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    html = out.read_text(encoding="utf-8")
    assert "Key changes" in html and "substantive changes" in html
    run = subprocess.run(
        [sys.executable, "-m", "policydiff", str(ROOT / "corpus" / "nec-2002.md"), str(ROOT / "corpus" / "nec-2024.txt"),
         "--json"], capture_output=True, text=True, timeout=120)
    data = json.loads(run.stdout)
    assert data["stats"]["changes_substantive"] == sum(1 for c in data["changes"] if c["class"] == "substantive") > 10


def test_lexicons_are_read_once() -> None:
    assert lexicons() is lexicons()


def test_window_helpers_find_each_change_from_its_ops() -> None:
    comparison = _comparison()
    counts = changes.substantive_counts(comparison)  # type: ignore[arg-type]
    assert counts and all(n > 0 for n in counts.values())
    for index, n in counts.items():
        found = changes.changes_of_pair(comparison, index)  # type: ignore[arg-type]
        assert sum(c.change_class == "substantive" for c in found) == n
        for change in found:
            if change.where == "body":
                at = changes.change_at(comparison, index, change.ops[0])  # type: ignore[arg-type]
                assert at is not None and at.ops[0] <= change.ops[0] < at.ops[1]
    pair, op = next((c.pair, c.ops[0]) for c in comparison.changes if any(s.kind == "modal" for s in c.signals))  # type: ignore[attr-defined]
    assert "modal: may \u2192 will" in changes.change_at(comparison, pair, op).tip  # type: ignore[arg-type, union-attr]


def test_the_changes_are_the_same_whatever_the_hash_seed() -> None:
    """Number and date values are listed in the order the text says them, never in a set's order,
    so the same two files give the same JSON in every run."""
    outputs = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-m", "policydiff", str(ROOT / "corpus" / "nec-2002.md"),
             str(ROOT / "corpus" / "nec-2024.txt"), "--json"],
            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}, check=False)
        assert done.returncode == 1, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_the_shortcut_for_prose_agrees_with_the_fitted_decision() -> None:
    # substantive() skips the model's features for sentences of prose; the fit script reads the
    # features, so both must call every change alike (here: every change of the NEC pair and of a
    # labelled outline against its own lines shuffled).
    old = (ROOT / "corpus" / "nec-2002.md").read_text(encoding="utf-8")
    new = (ROOT / "corpus" / "nec-2024.txt").read_text(encoding="utf-8")
    lines = old.splitlines()
    cases = [(c.old, c.new, c.where) for c in compare(parse_document(old, name="a.md"), parse_document(new, name="b.txt")).changes]
    cases += [("", line, "body") for line in lines] + [(line, "", "title") for line in lines[:40]]
    cases += [(a, b, "body") for a, b in zip(lines, lines[1:])]
    checked = 0
    for a, b, where in cases:
        found = signals(a, b)
        if not found:
            continue
        checked += 1
        found = change_model.meaningful(list(found), a, b)  # type: ignore[arg-type]
        if not found:  # a list marker edited, a date of recording: no signal to weigh
            assert not change_model.substantive(signals(a, b), a, b, where)
            continue
        features = change_model.change_features(found, a, b, where)
        slow = True if not change_model.decided_by_model(a, b, features) else (
            change_model.probability(features) >= change_model.weights()["threshold"])
        assert change_model.substantive(found, a, b, where) == slow, (a, b, where, features)
    assert checked > 200


def test_an_address_moved_is_not_substantive_an_amount_changed_is() -> None:
    old = "Our office is at 77 Harbour Street, Springfield, IL 62701."
    new = "Our office is at 12 Oak Street, Springfield, IL 62704."
    found = signals(old, new)
    assert {s.kind for s in found} == {"number"}
    assert change_model.decided_by_model(old, new, change_model.change_features(found, old, new))
    assert not change_model.substantive(found, old, new)
    old, new = "You may cancel within 14 days of purchase.", "You may cancel within 7 days of purchase."
    assert change_model.substantive(signals(old, new), old, new)


def test_a_change_log_or_date_line_is_weighed_a_stamp_counts() -> None:
    stamp_old, stamp_new = "Last updated: March 1, 2024", "Last updated: June 5, 2025"
    assert change_model.substantive(signals(stamp_old, stamp_new), stamp_old, stamp_new)
    log = "* Updated 4.2 and 7 to mention the new support page."
    assert change_model.decided_by_model("", log, change_model.change_features(signals("", log), "", log))


@given(st.text(alphabet=st.sampled_from(list("ab1 _.,-'\n\u00e9\u00df\u2019\u2022")), max_size=40))
@settings(max_examples=500, deadline=None)
def test_a_short_line_is_five_words_or_fewer(text: str) -> None:
    # The model reads "short" (five words or fewer) by matching the sixth word, not splitting all.
    assert (change_model._SIX_WORDS.match(text) is None) == (len(change_model._words(text)) <= 5)


def _changed(old: str, new: str) -> list[object]:
    comparison = compare(parse_document(old, name="a.md"), parse_document(new, name="b.md"))
    return list(comparison.changes)  # type: ignore[attr-defined]


def test_a_list_item_takes_the_signals_of_the_lead_in_that_states_its_force() -> None:
    # "Do not:" makes every item a prohibition, "We may share it with:" every item a recipient:
    # an item added under such a lead-in is substantive although it holds no term of its own.
    old = "# Rules\n\nWe want a kind community.\n\n2. **Do not:**\n    * Spam others.\n    * Cheat others.\n\nThat is all.\n"
    new = old.replace("    * Cheat others.", "    * Design labels using profanity or harmful tags.\n    * Cheat others.")
    (change,) = [c for c in _changed(old, new) if c.new]  # type: ignore[attr-defined]
    assert change.change_class == "substantive"  # type: ignore[attr-defined]
    assert [str(s) for s in change.signals] == ["negation: \u2205 \u2192 not (list: Do not)"]  # type: ignore[attr-defined]
    # The same item under a lead-in that binds nothing (a list of examples) stays editorial.
    plain_old = old.replace("2. **Do not:**", "2. **Examples:**")
    plain_new = new.replace("2. **Do not:**", "2. **Examples:**")
    assert [c.change_class for c in _changed(plain_old, plain_new)] == ["editorial"]  # type: ignore[attr-defined]


def test_a_duty_widened_by_a_clause_is_substantive_a_word_swapped_is_not() -> None:
    old = "# Reports\n\nYou can report posts or accounts with the in-app reporting feature.\n"
    widened = old.replace("posts or accounts", "posts, accounts, or live streams")
    (change,) = _changed(old, widened)
    assert change.change_class == "substantive"  # type: ignore[attr-defined]
    assert [s.kind for s in change.signals] == ["scope"]  # type: ignore[attr-defined]
    swapped = old.replace("in-app", "built-in")
    assert [c.change_class for c in _changed(old, swapped)] == ["editorial"]  # type: ignore[attr-defined]
    # No duty or permission in the sentence: a clause added to a description is wording.
    plain = "# About\n\nThe app shows posts and accounts in a timeline.\n"
    assert [c.change_class for c in _changed(plain, plain.replace("in a timeline", "in a long scrolling timeline"))] == [
        "editorial"]


def test_every_change_label_file_has_the_documented_shape() -> None:
    # Classes, signal kinds, a signal's words found in its sentence, a substantive change with a
    # signal and no other with one (benchmarks/check_change_labels.py, without the bundle).
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "check_change_labels.py")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert "0 with problems" in run.stdout
    assert len(list((ROOT / "tests" / "core" / "labelled" / "changes").glob("*.json"))) >= 85
