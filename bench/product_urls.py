#!/usr/bin/env python3
"""Writes the product pages the bench loads, as a file oha draws from.

A marketplace's product pages are not visited evenly: a few are seen
often, most rarely. The products here are the ones the bench's own search
requests (bench/queries.txt) lead to, in the order they first appear; the
product at rank r is visited with weight 1/r (Zipf, s = 1). The file holds
50,000 lines drawn with a fixed seed, and oha picks among its lines at
random, so the load follows that skew.

    product_urls.py BASE QUERIES OUT     # BASE: http://127.0.0.1:18080
"""

import json
import random
import sys
import urllib.request

LINES = 50_000
MOST_PRODUCTS = 10_000


def main() -> None:
    base, queries, out = sys.argv[1:4]
    products: dict[str, None] = {}
    for path in open(queries, encoding="utf-8").read().split():
        with urllib.request.urlopen(f"{base}/api/v1{path}") as response:
            for hit in json.load(response)["hits"]:
                products.setdefault(hit["url"])
        if len(products) >= MOST_PRODUCTS:
            break
    ranked = list(products)[:MOST_PRODUCTS]
    if not ranked:
        sys.exit("no search request found a product: is the catalogue generated?")
    weights = [1 / rank for rank in range(1, len(ranked) + 1)]
    chosen = random.Random(1).choices(ranked, weights=weights, k=LINES)
    with open(out, "w", encoding="utf-8") as file:
        file.writelines(f"{base}{url}\n" for url in chosen)
    print(f"{len(ranked)} products, {len(set(chosen))} of them in {LINES} visits", file=sys.stderr)


if __name__ == "__main__":
    main()
