"""The whole benchmark in one command: sync a tier, then time every page on it.

    python -m bench --tier district [--seed 1] [--cold 3] [--warm 5] [--sessions 50] [--seconds 60]

Generates the tier with the RapidPro simulator, syncs it into a new database with sync_job.py
(runs/s, answers/s, peak memory, a second pass), then times every page cold and warm for an
administrator and for a supervisor of one district, each read model beside its bare SQL, and the
app's memory after every page (bench/pages.py), and last puts the app under load: concurrent
sessions browsing every page for a minute against one running app (bench/load.py; --sessions 0
leaves it out). Prints one report.
"""

from __future__ import annotations

import argparse
import os

from bench import load
from bench.pages import measure, print_results
from bench.sync import synced_tier


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tier", default="district", choices=["demo", "district", "national"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cold", type=int, default=3)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--sessions", type=int, default=50, help="concurrent sessions for the load (0: none)")
    parser.add_argument("--seconds", type=float, default=60, help="how long the load lasts")
    arguments = parser.parse_args()
    with synced_tier(arguments.tier, arguments.seed) as (url, figures):
        print(f"TracPro benchmark, {arguments.tier} tier (seed {arguments.seed}), {os.cpu_count()} CPUs")
        print()
        for label, value in figures.lines():
            print(f"{label:<34}{value:>14}")
        print()
        print_results(measure(url, "bench", arguments.cold, arguments.warm))
        if arguments.sessions:
            print()
            load.print_results(load.measure(url, "bench", arguments.sessions, arguments.seconds))


if __name__ == "__main__":
    main()
