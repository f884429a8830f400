"""Command line for quants: ``python -m model summary`` and ``python -m model sensitivity``.

Exit status 0 on success, 2 on bad input (one line on stderr naming the file, the field and
the fix), 3 when MCMC fails its convergence checks, 70 on an internal error (one line asking
for a report; never a traceback), 130 when interrupted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from typing import NoReturn, Sequence

from . import SCENARIOS
from .errors import ConvergenceError, InputError, clean

EXIT_INPUT, EXIT_CONVERGENCE, EXIT_INTERNAL, EXIT_INTERRUPTED = 2, 3, 70, 130
"""Exit codes besides 0 (documented in the README, "Input limits and exit codes")."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage wall
        self.exit(EXIT_INPUT, f"{self.prog}: {clean(message, 400)}; fix: see --help\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--as-of {text!r} is not a date (use YYYY-MM-DD)") from None


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--assumptions", metavar="FILE", help="assumptions YAML (default: the shipped model/data/assumptions.yaml)")
    p.add_argument("--events", metavar="FILE", help="events CSV (default: model/data/events.csv)")
    p.add_argument("--quarters", metavar="FILE", help="reported periods CSV (default: model/data/quarters.csv)")
    p.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="ignore evidence dated after this day")
    p.add_argument(
        "--min-confidence",
        default="weak_sources",
        metavar="LEVEL",
        help="keep evidence at this source confidence or stronger: weak_sources < one_source < date_uncertain < two_sources",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m model", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    s = sub.add_parser("summary", help="headline numbers: prior and posterior, both inference paths, with MCSE")
    _common(s)
    s.add_argument("--no-mcmc", action="store_true", help="exact path and prior predictive only (seconds)")
    t = sub.add_parser("sensitivity", help="tornado table and event influence (exact path)")
    _common(t)
    return parser


def _print_summary(h: dict) -> None:
    inp, prior, post = h["inputs"], h["prior"], h["posterior"]
    print(f"H20 export-reversal model — evidence as of {inp['as_of']} ({inp['n_events']} event{'s' if inp['n_events'] != 1 else ''}, "
          f"{inp['n_quarterly_observations']} quarterly shares, min confidence {inp['min_confidence']}), seed {inp['seed']}")
    print("\nScenario probabilities")
    has_mcmc = "scenario_prob_mcmc" in post
    print(f"  {'scenario':<10}{'prior':>10}{'post. exact':>14}" + (f"{'post. MCMC ± MCSE':>26}" if has_mcmc else ""))
    for s in SCENARIOS:
        line = f"  {s:<10}{prior['scenario_prob'][s]:>10.4f}{post['scenario_prob_exact'][s]:>14.4f}"
        if has_mcmc:
            m = post["scenario_prob_mcmc"][s]
            line += f"{m['value']:>16.4f} ± {m['mcse']:.4f}"
        print(line)

    def block(title: str, d: dict, scale: float, unit: str) -> None:
        print(f"\n{title}")
        for k, label in (("mean", "mean"), ("median", "median"), ("q05", "5%"), ("q95", "95%")):
            print(f"  {label:<8}{d[k]['value'] * scale:>12.4f} ± {d[k]['mcse'] * scale:.4f} {unit}")
        pe = d["p_exceed"]
        print(f"  P(>= {d['threshold'] * scale:.4g} {unit}) {pe['value']:.4f} ± {pe['mcse']:.4f}")

    block("Prior predictive: recovered share of FY2026 revenue", prior["share"], 100, "%")
    block("Prior predictive: recovered revenue", prior["usd_bn"], 1, "USD bn")
    ex = post["share_exact"]
    print(f"\nPosterior recovered share, exact path: mean {100 * ex['mean']:.4f}%, median {100 * ex['median']:.4f}%, "
          f"5-95% [{100 * ex['q05']:.4f}%, {100 * ex['q95']:.4f}%], P(>= 11%) {ex['p_exceed']:.4f}")
    if has_mcmc:
        block("Posterior predictive (MCMC): recovered share of FY2026 revenue", post["share"], 100, "%")
        block("Posterior predictive (MCMC): recovered revenue", post["usd_bn"], 1, "USD bn")
        d = h["diagnostics"]
        print(f"\nDiagnostics: {d['divergences']} divergences, max r_hat {d['max_rhat']:.4f}, min bulk ESS {d['min_ess_bulk']:.0f}; "
              f"exact vs MCMC within 3 MCSE: {'yes' if d['agreement_ok'] else 'NO'}")
    for w in h["warnings"]:
        print(f"warning: {w}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from .pipeline import analyse, headline, prepare

        setup = prepare(args.assumptions, args.events, args.quarters, args.as_of, args.min_confidence)
        if args.command == "summary":
            h = headline(analyse(setup, mcmc=not args.no_mcmc))
            if args.json:
                print(json.dumps(h, indent=2, ensure_ascii=False))
            else:
                _print_summary(h)
        else:
            from .priors import ElicitationError
            from .sensitivity import print_sensitivity, sensitivity_report

            try:
                rep = sensitivity_report(setup)
            except ElicitationError as exc:  # only the recovery_scale knob elicits new priors
                raise InputError(setup.assumptions.source_file, "sensitivity.recovery_scale",
                                 f"a scaled recovery interval fails: {exc.problem}", "narrow the recovery_scale range") from None
            if args.json:
                print(json.dumps(rep, indent=2, ensure_ascii=False))
            else:
                print_sensitivity(rep)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except ConvergenceError as exc:
        print(f"error: {clean(exc, 1000)}", file=sys.stderr)
        return EXIT_CONVERGENCE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `python -m model summary | head`: the reader left; not an error of ours
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 0
    except Exception as exc:  # last resort: one line, never a traceback
        print(f"internal error: {type(exc).__name__}: {clean(exc, 300)}; please report with this input", file=sys.stderr)
        return EXIT_INTERNAL
    return 0
