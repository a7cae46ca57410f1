#!/usr/bin/env python3
"""Generate a venue layout file (docs/venues.md) for an arena or a stadium.

    scripts/venue-layout.py arena   > arena.json     # about 15,000: KSPO Dome's size
    scripts/venue-layout.py stadium > stadium.json   # about 64,000: a World Cup stadium

The map is drawn in seat widths: a stage at the top, standing floor areas in front of it,
then rings of seated sections on the left, at the back and on the right, each ring's rows
running parallel to the floor's edge (rows on the sides run up the map: step [0, 1]).
Deterministic: the same arguments give the same file, byte for byte.
"""

import json
import sys

STAGE = {"x": -40, "y": 0, "width": 80, "height": 15}
FLOOR_TOP, FLOOR_BOTTOM = 20, 60  # the standing floor, in front of the stage
AISLE = 2  # between sections of a ring
WALKWAY = 3  # between rings

KINDS = {
    # name: (venue id, name, floor areas and their capacity, rings: (rows, sections a side, sections at the back))
    "arena": ("kspo-dome-like", "Arena (KSPO Dome size)", (2, 1_500), [(20, 3, 4), (24, 3, 5)]),
    "stadium": ("world-cup-stadium-like", "Stadium (Seoul World Cup Stadium size)", (4, 3_000), [(30, 4, 6), (30, 5, 7), (30, 6, 8), (36, 6, 9)]),
}
TIERS = ["R", "S", "A", "A"]


def split(length, parts):
    """`parts` stretches of equal seats covering `length` with aisles between: (start, seats)."""
    seats = (length - AISLE * (parts - 1)) // parts
    return [(i * (seats + AISLE), seats) for i in range(parts)]


def section(number, tier, runs):
    return {"id": str(number), "name": {"en": f"Section {number}", "ko": f"{number}구역"}, "tier": tier, "rows": runs}


def layout(kind):
    venue_id, name, (floors, capacity), rings = KINDS[kind]
    sections = []
    width = STAGE["width"] // floors
    for i in range(floors):
        area = {"x": STAGE["x"] + i * width, "y": FLOOR_TOP, "width": width, "height": FLOOR_BOTTOM - FLOOR_TOP}
        sections.append({
            "id": f"F{i + 1}",
            "name": {"en": f"Floor standing F{i + 1}", "ko": f"스탠딩 F{i + 1}구역"},
            "tier": "VIP",
            "standing": {"capacity": capacity, **area},
        })
    inner = 10  # how far the ring starts beyond the floor's sides and back
    for k, (rows, side, back) in enumerate(rings):
        number = 100 * (k + 1) + 1
        tier = TIERS[k]
        side_length = FLOOR_BOTTOM + inner  # from the map's top to where the back rows start
        left, right = [], []
        for start, seats in split(side_length, side):
            # Row 1 nearest the floor; seats numbered from the stage end.
            left.append([{"row": str(r + 1), "seats": seats, "x": -40 - inner - r - 1, "y": start, "step": [0, 1]} for r in range(rows)])
            right.append([{"row": str(r + 1), "seats": seats, "x": 40 + inner + r, "y": start, "step": [0, 1]} for r in range(rows)])
        back_width = 80 + 2 * inner
        backs = [[{"row": str(r + 1), "seats": seats, "x": -40 - inner + start, "y": side_length + r} for r in range(rows)] for start, seats in split(back_width, back)]
        for runs in left + backs + right[::-1]:
            sections.append(section(number, tier, runs))
            number += 1
        inner += rows + WALKWAY
    return {"venueId": venue_id, "name": name, "stage": STAGE, "sections": sections}


def places(venue):
    return sum(s["standing"]["capacity"] if "standing" in s else sum(r["seats"] for r in s["rows"]) for s in venue["sections"])


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in KINDS:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(KINDS)}")
    venue = layout(sys.argv[1])
    print(f"{venue['name']}: {len(venue['sections'])} sections, {places(venue)} seats and places", file=sys.stderr)
    json.dump(venue, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")
