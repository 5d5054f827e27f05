"""Rules on lists: tables of contents, and section titles written as list items."""

from __future__ import annotations

from policydiff.core.outline.lists import flattened_outlines, is_contents, item_sections
from policydiff.core.outline.state import OutlineState, Verdict


def contents_list(state: OutlineState, i: int) -> Verdict | None:
    """A list of links to anchors in the page, or of entries repeating headings below it, is a
    table of contents: set aside (and compared where it stands), never sections."""
    if is_contents(state.blocks[i], state.blocks, i, state.later):
        return Verdict(False, "list of links to anchors or of later headings", metadata="table of contents",
                       quiet=True)
    return None


def list_item_sections(state: OutlineState, i: int) -> Verdict | None:
    """Items that hold a section title over their text (the whole list, counting on from the last
    such item when numbered), or single items opening with a numbered bold title, are sections."""
    items, state.item_number = item_sections(state.blocks[i], state.blocks, i, state.item_number)
    if not items:
        return None
    return Verdict(True, "list items that hold section titles", kind="items", items=tuple(items), quiet=True)


def flattened_outline(state: OutlineState, i: int) -> Verdict | None:
    """A numbered outline that a page's conversion flattened into lists (the item numbers start
    again at 1 under each title): its title items are sections, nested as the numbering says."""
    if state.blocks[i].tokens[0].type != "ordered_list_open":
        return None
    if state.flattened is None:
        state.flattened = flattened_outlines(state.blocks)
    items = state.flattened.get(i)
    if not items:
        return None
    return Verdict(True, "title items of a numbered outline flattened into lists", kind="items",
                   items=tuple(items), quiet=True)
