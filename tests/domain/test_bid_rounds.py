"""Bidding rounds (issue 18): each round scored again under the tender's rules, by hand; the places gained; the
price that wins the next offer against the last round's rivals; findings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from consortium_planner.domain.bid_rounds import bid_rounds
from consortium_planner.domain.model import BidRound, PriceMethod, RoundScore, Tender

D = Decimal
TENDER = Tender(id=1, name="T", quality_weight=D(60), price_weight=D(30), social_value_weight=D(10),
                price_method=PriceMethod.RELATIVE, annual_value=D(0))


def score(i, round_id, bidder, price, quality, sv, ours=False):
    return RoundScore(id=i, round_id=round_id, bidder=bidder, ours=ours, annual_price=D(price),
                      quality_score=D(quality), social_value_score=D(sv))


ROUNDS = [BidRound(id=2, tender_id=1, name="Best and final offer", number=2, best_and_final=True),
          BidRound(id=1, tender_id=1, name="Initial tenders", number=1, held=dt.date(2026, 9, 1))]


def test_by_hand_the_rounds_are_scored_in_order_with_the_places_gained():
    scores = [score(1, 1, "Us", 100, 70, 50, ours=True), score(2, 1, "Rival A", 90, 75, 60),
              score(3, 2, "Us", 95, 80, 60, ours=True), score(4, 2, "Rival A", 90, 75, 60)]
    r = bid_rounds(TENDER, ROUNDS, scores, D(92))
    first, bafo = r.rounds
    assert (first.name, bafo.name) == ("Initial tenders", "Best and final offer")
    # round 1: ours 42 + 5 + 30 × 90/100 = 74; the rival 45 + 6 + 30 = 81
    assert first.evaluation.ours.total == D(74) and first.rank == 2 and first.margin == D(-7)
    # the offer: 48 + 6 + 30 × 90/95 = 82.42…; the rival 81: first, up one place
    assert bafo.rank == 1 and bafo.rank_change == 1
    assert bafo.margin == D(54) + D(30) * D(90) / D(95) - D(81)
    # the next offer against the rival's 90 at 75/60: 54 + 30 × 90 / P ≥ 81 ⇔ P ≤ 100
    assert r.next_offer.price == D("100.00")
    assert [f.code for f in r.findings] == []


def test_behind_after_the_last_round_and_an_offer_that_must_go_below_cost():
    scores = [score(1, 1, "Us", 100, 70, 50, ours=True), score(2, 1, "Rival A", 90, 75, 60)]
    r = bid_rounds(TENDER, ROUNDS[1:], scores, D(95))
    # below the rival's £90 we are the lowest price (30 points) and the rival scores 51 + 30 × P / 90:
    # 47 + 30 ≥ 51 + P / 3 ⇔ P ≤ 78
    assert r.next_offer.price == D("78.00")
    codes = {f.code: f for f in r.findings}
    assert "behind_after_round" in codes and "7.00 points behind Rival A" in codes["behind_after_round"].message
    assert dict(codes["next_offer_below_cost"].figures) == {"winning_price": D("78.00"), "year_one_cost": D(95)}


def test_a_round_without_our_bid_is_not_scored_and_says_why():
    r = bid_rounds(TENDER, ROUNDS[1:], [score(2, 1, "Rival A", 90, 75, 60)], None)
    assert r.rounds[0].evaluation is None and r.rounds[0].problem == "our bid is not recorded"
    assert r.next_offer is None and [f.code for f in r.findings] == ["round_not_scored"]
    assert bid_rounds(TENDER, [], [], None) is None
