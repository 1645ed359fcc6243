#!/usr/bin/env python3
"""Writes bench/queries.txt: 1,000 search requests as people type them,
drawn (with a fixed seed, so the file is the same every time) from the
vocabulary `odop gen` builds listings from and the district registry:
English, Hindi in Devanagari, Hindi typed in Latin letters, misspellings,
and a share with filters and sorts. One path per line.

    python3 bench/make_queries.py > bench/queries.txt
"""

import random
import tomllib
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VOCAB = tomllib.loads((ROOT / "crates/odop/src/generate/vocab.toml").read_text())
REGISTRY = tomllib.loads((ROOT / "crates/odop-store/seed/registry.toml").read_text())

# How people in India type Hindi words in Latin letters, with schwa dropped
# and spellings that vary: the search must meet them.
HINGLISH = [
    "chikan kurta", "lucknowi chikan", "chikankari kurti", "banarsi saree", "banarasi sari",
    "banarsi saari", "peetal diya", "pital ki murti", "lakdi ke khilone", "lakdi ka khilona",
    "kanch ki chudiyan", "firozabad chudi", "kala namak chawal", "kalanamak", "desi ghee",
    "gud", "mitti ke bartan", "terracotta ghoda", "kaleen", "dari", "zardozi dupatta",
    "zari work saree", "jootiyan", "chamde ka bag", "agra ka petha", "attar kannauj",
    "khadi kurta", "razai", "kambal", "moonj ki tokri", "bans ki tokri", "sheesham ka dibba",
]

SORTS = ["price-asc", "price-desc", "newest"]
PRICES = ["0-500", "500-1000", "1000-2500", "2500-5000", "5000-"]


def misspell(rng: random.Random, text: str) -> str:
    """One typo: a letter dropped, doubled or two swapped."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:-1])
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def main() -> None:
    rng = random.Random(2026)
    categories = VOCAB["category"]
    districts = REGISTRY["district"]

    def english() -> str:
        category = rng.choice(categories)
        item = rng.choice(category["items"])["en"]
        crafts = [c for c in category["crafts"] if "en" in c]
        shape = rng.randrange(4)
        if shape == 0 or not crafts:
            return item
        if shape == 1:
            return f"{rng.choice(crafts)['en']} {item}"
        if shape == 2 and category.get("materials"):
            return f"{rng.choice(category['materials'])['en']} {item}"
        return f"{rng.choice(districts)['name_en']} {item}"

    def hindi() -> str:
        category = rng.choice(categories)
        item = rng.choice(category["items"])["hi"]
        crafts = [c for c in category["crafts"] if "hi" in c]
        if crafts and rng.random() < 0.5:
            return f"{rng.choice(crafts)['hi']} {item}"
        return item

    lines = []
    while len(lines) < 1000:
        roll = rng.random()
        if roll < 0.30:
            q = english()
        elif roll < 0.55:
            q = hindi()
        elif roll < 0.70:
            q = rng.choice(HINGLISH)
        else:
            q = misspell(rng, english())
        params = [("q", q.lower() if rng.random() < 0.7 else q)]
        if rng.random() < 0.2:
            filters = rng.randrange(4)
            if filters == 0:
                params.append(("district", rng.choice(districts)["slug"]))
            elif filters == 1:
                params.append(("price", rng.choice(PRICES)))
            elif filters == 2:
                params.append(("gi", "1"))
            else:
                params.append(("stock", "1"))
            if rng.random() < 0.5:
                params.append(("sort", rng.choice(SORTS)))
        if rng.random() < 0.05:
            params.append(("page", "2"))
        lines.append("/search?" + urllib.parse.urlencode(params))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
