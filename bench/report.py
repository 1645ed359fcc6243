#!/usr/bin/env python3
"""Turns bench/run's raw measurements into bench/results/<date>-<listings>.json
(everything, for machines) and .md (the tables, for people), and prints the
Markdown. Each page's saturation figure is also given as a share of the
ceiling: a static page of the product page's size served by a minimal axum
server on the same machine.

    python3 bench/report.py RAW_DIR RESULTS_DIR LISTINGS SELLERS SECONDS CONNECTIONS
"""

import datetime
import json
import os
import platform
import sys
from pathlib import Path

raw, results = Path(sys.argv[1]), Path(sys.argv[2])
listings, sellers, seconds, connections = (int(a) for a in sys.argv[3:7])

runs = {p.stem: json.loads(p.read_text()) for p in raw.glob("*.json") if p.stem.count(".") == 0}
backends = [b for b in ("sqlite", "postgres") if f"{b}-setup" in runs]

# The targets from PRODUCT.md, checked below.
TARGETS = {
    "search_p99_ms": 20,
    "page_rps": 5000,
    "checkout_sqlite_orders_per_s": 500,
    "memory_mb": 500,
    "start_seconds": 2,
}


def load_row(run):
    oha = run["oha"]
    summary, pct = oha["summary"], oha["latencyPercentiles"]
    statuses = oha.get("statusCodeDistribution", {})
    # Requests still in flight when the time is up are not failures.
    errors = {k: n for k, n in oha.get("errorDistribution", {}).items() if k != "aborted due to deadline"}
    total = sum(statuses.values()) + sum(errors.values())
    not_ok = total - sum(n for code, n in statuses.items() if code.startswith("2"))
    ms = lambda s: None if s is None else round(s * 1000, 2)
    return {
        "requests_per_second": round(summary["requestsPerSec"], 1),
        "requests": total,
        "errors": not_ok,
        "error_kinds": errors | {code: n for code, n in statuses.items() if not code.startswith("2")},
        "p50_ms": ms(pct.get("p50")),
        "p90_ms": ms(pct.get("p90")),
        "p99_ms": ms(pct.get("p99")),
        "max_ms": ms(summary.get("slowest")),
        "server_cpu_cores": round(run["server_cpu_seconds"] / run["wall_seconds"], 2),
        "server_rss_mb": round(run["server_rss_kb"] / 1024, 1),
        "mode": run["mode"],
        "rate": run["rate"],
    }


ceiling = {mode: load_row(runs[f"ceiling-page-{mode}"]) for mode in ("saturation", "fixed") if f"ceiling-page-{mode}" in runs}
report = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {"cores": os.cpu_count(), "system": platform.platform()},
    "listings": listings,
    "sellers": sellers,
    "seconds_per_load": seconds,
    "connections": connections,
    "ceiling": ceiling,
    "backends": {},
}
for backend in backends:
    setup = runs[f"{backend}-setup"]
    loads = {}
    for target in ("home", "district", "product", "products", "search"):
        for mode in ("saturation", "fixed"):
            name = f"{backend}-{target}-{mode}"
            if name in runs:
                row = load_row(runs[name])
                if mode == "saturation" and "saturation" in ceiling:
                    row["share_of_ceiling"] = round(row["requests_per_second"] / ceiling["saturation"]["requests_per_second"], 3)
                loads[f"{target}-{mode}"] = row
    checkout = runs.get(f"{backend}-checkout")
    report["backends"][backend] = {"setup": setup, "loads": loads, "checkout": checkout}


def products_reads(setup):
    reads = setup.get("products_listing_reads")
    if not reads or not sum(reads.values()):
        return ""
    share = reads["memory"] / sum(reads.values())
    return f"; {share:.0%} of their listings came from memory (kept up to 2 s), the rest from the database"


def fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


lines = [
    f"# odop at {listings:,} listings and {sellers:,} sellers",
    "",
    f"{report['date']} · {report['machine']['cores']} cores · {report['machine']['system']} · "
    f"{seconds} s per load · {connections} connections · client and server share the machine.",
    "",
    "Saturation: as fast as the server answers. Fixed: half the saturation rate, latency corrected for "
    "coordinated omission (oha `-q --latency-correction`). Latencies in ms.",
    "",
]
for backend, data in report["backends"].items():
    setup = data["setup"]
    lines += [
        f"## {'SQLite' if backend == 'sqlite' else 'PostgreSQL'}",
        "",
        f"Generated in {setup['generate_seconds']:.0f} s; first start (builds the search index, "
        f"{setup['index_bytes'] / 1e6:.0f} MB) {setup['first_start_with_index_build_seconds']:.0f} s; "
        f"a normal start {setup['start_seconds']:.2f} s at {setup['start_rss_kb'] / 1024:.0f} MB; "
        f"server peak memory {setup['server_peak_kb'] / 1024:.0f} MB. Pages: home {setup['page_bytes']['home']:,} B, "
        f"district {setup['page_bytes']['district']:,} B, product {setup['page_bytes']['product']:,} B.",
        "",
        "`product` loads one product page; `products` loads the product pages that the search requests "
        "lead to, the one at rank r visited with weight 1/r (bench/product_urls.py)"
        + products_reads(setup) + ".",
        "",
        "| target | mode | req/s | × ceiling | p50 | p90 | p99 | max | errors | server CPU (cores) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, row in data["loads"].items():
        target, mode = key.rsplit("-", 1)
        share = row.get("share_of_ceiling")
        mode_label = mode if mode == "saturation" else f"{mode} ({row['rate']}/s)"
        share_label = "" if share is None else f"{share:.2f}"
        lines.append(
            f"| {target} | {mode_label} | {fmt(row['requests_per_second'], 0)} | "
            f"{share_label} | {fmt(row['p50_ms'], 2)} | {fmt(row['p90_ms'], 2)} | "
            f"{fmt(row['p99_ms'], 2)} | {fmt(row['max_ms'], 1)} | {row['errors']} | {row['server_cpu_cores']} |"
        )
    if data["checkout"]:
        d = data["checkout"]["driver"]
        race = d["race"]
        lines += [
            "",
            f"Checkout (cart → order → sandbox payment, {d['buyers']} buyers in a closed loop): "
            f"**{d['orders_per_second']:.0f} paid orders/s**, p50 {d['p50_ms']:.0f} ms, p90 {d['p90_ms']:.0f} ms, "
            f"p99 {d['p99_ms']:.0f} ms, max {d['max_ms']:.0f} ms, {d['errors']} errors. "
            f"Race: {race['buyers']} buyers for {race['units']} units → {race['won']} orders, "
            f"{race['sold_out']} told sold out, {race['stock_left']} left, in {race['ms']:.0f} ms.",
        ]
    lines.append("")
if ceiling:
    lines += [
        "## Ceiling (static page of the product page's size, minimal axum)",
        "",
        "| mode | req/s | p50 | p90 | p99 | max | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode, row in ceiling.items():
        lines.append(
            f"| {mode} | {fmt(row['requests_per_second'], 0)} | {fmt(row['p50_ms'], 2)} | {fmt(row['p90_ms'], 2)} | "
            f"{fmt(row['p99_ms'], 2)} | {fmt(row['max_ms'], 1)} | {row['errors']} |"
        )
    lines.append("")

# The targets, met or not.
lines += ["## Targets (PRODUCT.md)", "", "| target | SQLite | PostgreSQL |", "|---|---|---|"]


def verdict(value, limit, higher_is_better, unit):
    if value is None:
        return "–"
    ok = value >= limit if higher_is_better else value <= limit
    return f"{value:,.1f} {unit} {'✓' if ok else '✗'}"


checks = []
for backend in ("sqlite", "postgres"):
    data = report["backends"].get(backend)
    if not data:
        checks.append(["–"] * 7)
        continue
    loads, setup = data["loads"], data["setup"]
    get = lambda key, field: loads.get(key, {}).get(field)
    checkout = data["checkout"]["driver"]["orders_per_second"] if data["checkout"] else None
    checks.append([
        verdict(get("search-fixed", "p99_ms"), TARGETS["search_p99_ms"], False, "ms"),
        verdict(get("product-saturation", "requests_per_second"), TARGETS["page_rps"], True, "req/s"),
        verdict(get("products-saturation", "requests_per_second"), TARGETS["page_rps"], True, "req/s"),
        verdict(get("district-saturation", "requests_per_second"), TARGETS["page_rps"], True, "req/s"),
        verdict(checkout, TARGETS["checkout_sqlite_orders_per_s"], True, "orders/s") if backend == "sqlite" else f"{checkout or 0:,.1f} orders/s",
        verdict(setup["server_peak_kb"] / 1024, TARGETS["memory_mb"], False, "MB"),
        verdict(setup["start_seconds"], TARGETS["start_seconds"], False, "s"),
    ])
names = [
    "search p99 < 20 ms (fixed rate)",
    "product page > 5,000 req/s (one page)",
    "product pages > 5,000 req/s (many, skewed)",
    "district page > 5,000 req/s",
    "checkout > 500 orders/s (SQLite)",
    "server memory < 500 MB (peak)",
    "start-up < 2 s",
]
for i, name in enumerate(names):
    lines.append(f"| {name} | {checks[0][i]} | {checks[1][i]} |")
lines.append("")

markdown = "\n".join(lines)
stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
results.mkdir(parents=True, exist_ok=True)
(results / f"{stamp}-{listings}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
(results / f"{stamp}-{listings}.md").write_text(markdown)
print(markdown)
print(f"\nwritten: {results / f'{stamp}-{listings}.md'} and .json")
