"""``python -m tracpro.simulator --tier demo --seed 1 --port 8000 --token T``: serve until stopped."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from . import DEFAULT_REEVALUATE_EVERY, Faults, Simulator
from .archives import RETENTION_DAYS
from .tiers import TIERS


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tracpro.simulator", description=__doc__)
    p.add_argument("--tier", choices=sorted(TIERS), default="demo")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--token", default="secret-token")
    p.add_argument("--anchor", default=None, help="the dataset's now (ISO 8601); default today 00:00 UTC")
    p.add_argument("--response-rate", type=float, default=0.7)
    p.add_argument("--time-scale", type=float, default=60.0, help="simulated seconds per real second")
    p.add_argument("--retention-days", type=int, default=RETENTION_DAYS,
                   help="runs and messages older than this leave the lists for archives.json (0: never)")
    p.add_argument("--flows", action="append", default=[], metavar="EXPORT.json",
                   help="also serve the flows of this RapidPro export (repeatable)")
    p.add_argument("--flow-runs", type=int, default=20, help="runs generated per flow given with --flows")
    p.add_argument("--message-shape", choices=["current", "v9"], default="current",
                   help="v9: messages as a self-hosted v9 server gives them (id, no uuid)")
    p.add_argument("--reevaluate-every", type=float, default=DEFAULT_REEVALUATE_EVERY, metavar="SECONDS",
                   help="the smart group's query is saved again this often (initializing, evaluating, ready); 0: never")
    real = p.add_argument_group("RapidPro's behaviours (on by default)")
    real.add_argument("--commit-delay", type=float, default=5.0,
                      help="longest delay, seconds, before a write shows in the API (late commits); 0: none")
    real.add_argument("--no-ties", dest="ties", action="store_false",
                      help="every record its own modified_on (no batches sharing one)")
    real.add_argument("--keyset-cursor", dest="drf_cursor", action="store_false",
                      help="page with a keyset cursor that never skips, instead of DRF's position + offset")
    real.add_argument("--rate-limits", choices=["v26", "v9", "none"], default="v26",
                      help="RapidPro's rate limits per scope: v26 3,600 requests an hour, v9 2,500; none: unlimited")
    real.add_argument("--rate-limit-scale", type=float, default=1.0, metavar="N",
                      help="the rate limits' hour lasts 3600/N seconds (benchmarks)")
    faults = p.add_argument_group("faults (also settable at run time: POST /_control/faults)")
    for name, default in Faults().to_dict().items():
        faults.add_argument("--" + name.replace("_", "-"), type=int, default=default)
    args = p.parse_args(argv)
    settings = {k: getattr(args, k) for k in Faults().to_dict()}
    sim = Simulator(tier=args.tier, seed=args.seed, token=args.token, port=args.port, anchor=args.anchor,
                    response_rate=args.response_rate, time_scale=args.time_scale, host=args.host,
                    faults=Faults(**settings), flows=args.flows, flow_runs=args.flow_runs,
                    message_shape=args.message_shape, reevaluate_every=args.reevaluate_every or None,
                    retention_days=args.retention_days or None,
                    commit_delay=args.commit_delay, ties=args.ties, drf_cursor=args.drf_cursor,
                    rate_limits=None if args.rate_limits == "none" else args.rate_limits,
                    rate_limit_scale=args.rate_limit_scale)
    sim.start()
    print(f"RapidPro simulator: tier {args.tier}, seed {args.seed}, serving at {sim.url} "
          f"(TembaClient({sim.url!r}, {args.token!r}))", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
