"""The headline card (``gui/style.Card``): its tone shows in its style sheet, set again only when it changes."""

from __future__ import annotations

from consortium_planner.gui.style import TONES, Card


def test_a_card_takes_a_new_tone_and_keeps_its_style_sheet_when_the_tone_is_the_same(qtbot, monkeypatch):
    card = Card("Funding shortfall")
    qtbot.addWidget(card)
    neutral = card.styleSheet()
    assert "palette(mid)" in neutral
    card.set("£12,000", "before funding", tone="bad")
    bad = card.styleSheet()
    assert TONES["bad"].background in bad and card.tone == "bad"
    sets: list[str] = []
    real = Card.setStyleSheet
    monkeypatch.setattr(Card, "setStyleSheet", lambda self, sheet: sets.append(sheet) or real(self, sheet))
    card.set("£13,000", "before funding", tone="bad")  # a new figure in the same tone: no restyling
    assert sets == [] and card.styleSheet() == bad and card.value.text() == "£13,000"
    card.set("£0", "", tone=None)  # back to neutral: restyled
    assert sets == [neutral] and card.tone is None
    card.set("—", "", tone="muted")
    assert len(sets) == 2 and TONES["muted"].background in card.styleSheet()
