"""Command line for quants: ``python -m model summary`` and ``python -m model sensitivity``.

Exit status 0 on success, 2 on bad input (one line on stderr naming the file, the field and
the fix), 3 when MCMC fails its convergence checks, 70 on an internal error (one line asking
for a report; never a traceback), 75 on a problem of the environment (a directory that cannot be
written, the package of another checkout: one line naming it), 130 when interrupted.
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import NoReturn, Sequence

from .. import OtherCheckoutError
from ..computation.errors import ConvergenceError, InputError, clean

EXIT_INPUT, EXIT_CONVERGENCE, EXIT_INTERNAL, EXIT_ENVIRONMENT, EXIT_INTERRUPTED = 2, 3, 70, 75, 130
"""Exit codes besides 0 (documented in the README, "Input limits and exit codes"). 2 is for bad input
only; 75 is an environment problem (a directory that cannot be written, the package of another checkout)."""


ASCII_FORMS: dict[str, str] = {
    "≥": ">=",
    "≤": "<=",
    "–": "-",
    "—": "--",
    "−": "-",
    "±": "+/-",
    "×": "x",
    "…": "...",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "→": "->",
    "≈": "~",
}
"""ASCII forms of the characters the output uses, for a stream that cannot encode them (e.g. cp1252, ascii)."""
ENCODING_ERRORS = "h20-ascii-forms"
"""The codec error handler that writes :data:`ASCII_FORMS` (anything else unencodable becomes '?')."""


def _ascii_forms(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    return "".join(ASCII_FORMS.get(c, "?") for c in err.object[err.start : err.end]), err.end


codecs.register_error(ENCODING_ERRORS, _ascii_forms)


def any_encoding() -> None:
    """Let stdout and stderr print in whatever encoding they have (``PYTHONIOENCODING=cp1252``, a C locale).

    A character the stream cannot encode is written in its ASCII form (``≥`` as ``>=``), never an error.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors=ENCODING_ERRORS)
            except (ValueError, OSError):  # a closed or detached stream: nothing to print to anyway
                pass


PROGRESS_AFTER_S = 2.0
"""A step shows its progress on stderr once it has run this long (and only when stderr is a terminal)."""


class progress:  # lower case: used as a statement: ``with progress("PyMC fit"):``
    """Show ``label`` and the seconds elapsed on stderr while a slow step runs, then clear the line.

    Only when stderr is a terminal: redirected output, pipes and tests see nothing. Steps shorter than
    :data:`PROGRESS_AFTER_S` show nothing either.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self.shown = False
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> "progress":
        """Start the ticker thread when stderr is a terminal."""
        isatty = getattr(sys.stderr, "isatty", None)
        if isatty is not None and isatty():
            self.thread = threading.Thread(target=self._tick, name="progress", daemon=True)
            self.thread.start()
        return self

    def _tick(self) -> None:
        start = time.monotonic()
        if self.stopped.wait(PROGRESS_AFTER_S):
            return
        while True:
            sys.stderr.write(f"\r{self.label}... {time.monotonic() - start:.0f} s\033[K")
            sys.stderr.flush()
            self.shown = True
            if self.stopped.wait(1.0):
                return

    def __exit__(self, *exc: object) -> None:
        """Stop the ticker and clear its line."""
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage wall
        self.exit(EXIT_INPUT, f"{self.prog}: {clean(message, 400)}; fix: see --help\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--as-of {text!r} is not a date (use YYYY-MM-DD)") from None


def _seed(text: str) -> int:
    from ..computation.pipeline import parse_seed

    value = parse_seed(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"--seed {text!r} is not an integer in [0, 2**32)")
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--article",
        metavar="FILE",
        help="article YAML: scenarios, signals, fiscal year and the default input files "
        "(default: the shipped model/data/article.yaml; also: H20_ARTICLE)",
    )
    p.add_argument(
        "--assumptions", metavar="FILE", help="assumptions YAML (default: the shipped model/data/assumptions.yaml)"
    )
    p.add_argument("--events", metavar="FILE", help="events CSV (default: model/data/events.csv)")
    p.add_argument("--quarters", metavar="FILE", help="reported periods CSV (default: model/data/quarters.csv)")
    p.add_argument(
        "--resolution", metavar="FILE", help="verdicts CSV of the resolution (default: model/data/resolution.csv)"
    )
    p.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="ignore evidence dated after this day")
    p.add_argument(
        "--min-confidence",
        default="weak_sources",
        metavar="LEVEL",
        help="keep evidence at this source confidence or stronger: "
        "weak_sources < one_source < date_uncertain < two_sources",
    )
    p.add_argument("--seed", type=_seed, metavar="N", help="replace the assumptions' seed (also: H20_SEED)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="recompute the PyMC fit and the SBC runs instead of reading the result cache (also: H20_NO_CACHE=1)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser: subcommands summary, sensitivity, check and export.

    Returns
    -------
    argparse.ArgumentParser
        Its errors exit 2 with one line.
    """
    parser = _Parser(prog="python -m model", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    s = sub.add_parser("summary", help="headline numbers: prior and posterior, both inference paths, with MCSE")
    _common(s)
    s.add_argument("--no-mcmc", action="store_true", help="exact path and prior predictive only (seconds)")
    t = sub.add_parser("sensitivity", help="tornado table and event influence (exact path)")
    _common(t)
    c = sub.add_parser(
        "check",
        help="does the model fit? predictive checks, SBC, power-scaling "
        "(exit 4 and one line on stderr when a check fails)",
    )
    _common(c)
    c.add_argument(
        "--mcmc-sbc", action="store_true", help="also run SBC of the PyMC path (100 fits, about 1-2 minutes)"
    )
    e = sub.add_parser(
        "export",
        help="write the book's downloads (summary JSON, CSV tables, posterior netCDF, assumptions, "
        "explorer grid) and manifest.json into DIR",
    )
    e.add_argument("dir", metavar="DIR", help="output directory (created if needed; files in it are replaced)")
    _common(e)
    return parser


ELICITATION_FIELD = "(priors)"
"""The field of the input error the elicitation's catch-all raises (``model.computation.priors``): any failure on the
way.
"""


def environment_cause(exc: InputError) -> OSError | None:
    """The OSError behind an input error of the elicitation's catch-all, if any: the machine's, not the input's.

    The elicitation reports any failure of its solvers as an input error naming the intervals; an
    unwritable cache directory met on the way (ArviZ's stamp, PyTensor's compile directory) is a
    problem of the machine and gets exit 75, not 2. An input file that cannot be read stays an
    input error.
    """
    if exc.field != ELICITATION_FIELD:
        return None
    seen: set[int] = set()
    cur: BaseException | None = exc.__cause__ or exc.__context__
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, OSError):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def environment_line(exc: OSError) -> str:
    """The one line for an environment problem: the directory or file, what failed, the fix."""
    where = clean(exc.filename or "(unknown path)", 400)
    return (
        f"error: environment: cannot use {where} ({exc.strerror or type(exc).__name__}); "
        "fix: make it writable, or point HOME, XDG_CACHE_HOME or H20_CACHE_DIR at a writable directory"
    )


def _export(setup, directory: str, as_json: bool) -> None:
    from ..computation import sensitivity as sens
    from ..computation.explore import explorer_grid
    from ..computation.history import forecast_history
    from ..computation.influence import event_influence
    from ..computation.pipeline import analyse
    from ..presentation.export import ExportInputs, export

    with progress("PyMC fit"):
        an = analyse(setup, mcmc=True)
    with progress("sensitivity, influence, history and the explorer's grid"):
        inputs = ExportInputs(
            an,
            sens.weight_spread(setup),
            sens.tornado(setup),
            event_influence(setup),
            forecast_history(setup),
            explorer_grid(setup),
        )
    with progress("writing the files"):
        m = export(inputs, directory)
    if as_json:
        print(json.dumps(m.as_dict(), indent=2))
        return
    print(f"model {m.version}, commit {m.commit}: {len(m.files)} files in {directory} (and manifest.json)")
    for f in m.files:
        print(f"  {f.name:<28}{f.size:>12,d} B  sha256 {f.sha256}")


def _check(setup, as_json: bool, mcmc_sbc: bool) -> int:
    """``python -m model check``: 0 when every check passes, 4 (one line on stderr) otherwise."""
    from ..computation.checks import run_checks
    from ..presentation.summaries import report_dict, report_text

    with progress("model checks" + (" and the SBC of PyMC (100 fits)" if mcmc_sbc else "")):
        rep = run_checks(setup, mcmc_sbc=mcmc_sbc)
    print(json.dumps(report_dict(rep), indent=2, ensure_ascii=False) if as_json else report_text(rep))
    bad = rep.first_failure
    if bad is not None:
        print(f"check failed: {bad.name}: {bad.reason}", file=sys.stderr)
        return 4
    return 0


def _summary(setup, as_json: bool, no_mcmc: bool) -> None:
    from ..computation.call import call_basis
    from ..computation.history import forecast_history
    from ..computation.pipeline import analyse
    from ..computation.retrospective import retrospective
    from ..computation.sensitivity import weight_spread
    from ..presentation.report import headline, summary_text

    with progress("exact path, the forward Monte Carlo check and the retrospective"):
        spread = weight_spread(setup)
        retro = retrospective(setup, forecast_history(setup))
        basis = call_basis(setup)
        exact = headline(analyse(setup, mcmc=False), spread, retro, basis)
    if not as_json:  # the headline (exact path) at once; the MCMC check follows
        print(summary_text(exact), flush=True)
    if no_mcmc:
        if as_json:
            print(json.dumps(exact, indent=2, ensure_ascii=False))
        return
    with progress("PyMC fit (the MCMC check)"):
        h = headline(analyse(setup, mcmc=True), spread, retro, basis)
    if as_json:
        print(json.dumps(h, indent=2, ensure_ascii=False))
        return
    shown = set(summary_text(exact).splitlines())
    print("\n".join(line for line in summary_text(h).splitlines() if line not in shown))


def _sensitivity(setup, as_json: bool) -> None:
    from ..computation.elicitation import ElicitationError
    from ..presentation.report import sensitivity_json, sensitivity_text

    try:
        with progress("tornado and event influence"):
            rep = sensitivity_json(setup)
    except ElicitationError as exc:  # only the recovery_scale knob elicits new priors
        raise InputError(
            setup.assumptions.source_file,
            "sensitivity.recovery_scale",
            f"a scaled recovery interval fails: {exc.problem}",
            "narrow the recovery_scale range",
        ) from None
    print(json.dumps(rep, indent=2, ensure_ascii=False) if as_json else sensitivity_text(rep))


def other_article(option: str | None) -> str | None:
    """The article file ``--article`` names, when it is not the article in force (else None).

    The article is read when the package is imported (:mod:`model.computation.article`), so another
    one needs a fresh interpreter: :func:`main` runs the same command again with ``H20_ARTICLE`` set.

    Parameters
    ----------
    option : the value of ``--article`` (None: not given)

    Returns
    -------
    str or None
        The absolute path of the other article file.

    Raises
    ------
    InputError
        The file named is not a valid article (one line: the file, the field, the fix).
    """
    if option is None:
        return None
    from ..computation.article import ARTICLE, ENV_ARTICLE, OPTION, load_article
    from ..computation.inputs import resolve_input

    wanted = load_article(resolve_input(option, OPTION, ENV_ARTICLE))
    here, there = Path(ARTICLE.source_file).resolve(), Path(wanted.source_file).resolve()
    return None if here == there else str(there)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m model ARGS``.

    Parameters
    ----------
    argv : the arguments (None: ``sys.argv[1:]``)

    Returns
    -------
    int
        The exit status (module docstring): 0, 2 bad input, 3 convergence, 4 a failed check (``check``),
        70 internal, 75 environment, 130 interrupted.
    """
    any_encoding()
    args = build_parser().parse_args(argv)
    if args.no_cache:
        from ..computation.cache import ENV_OFF

        os.environ[ENV_OFF] = "1"  # read by model.computation.cache, here and in any worker process
    try:
        from .. import check_checkout
        from ..computation.pipeline import prepare

        check_checkout()
        article = other_article(args.article)
        if article is not None:  # the same command in a fresh interpreter that imports that article
            from ..computation.article import ENV_ARTICLE

            sys.stdout.flush()
            rest = list(sys.argv[1:] if argv is None else argv)
            return subprocess.call([sys.executable, "-m", "model", *rest], env={**os.environ, ENV_ARTICLE: article})
        setup = prepare(
            args.assumptions, args.events, args.quarters, args.as_of, args.min_confidence, args.seed, args.resolution
        )
        if args.command == "check":
            return _check(setup, args.json, args.mcmc_sbc)
        if args.command == "export":
            _export(setup, args.dir, args.json)
            return 0
        if args.command == "summary":
            _summary(setup, args.json, args.no_mcmc)
        else:
            _sensitivity(setup, args.json)
    except InputError as exc:
        cause = environment_cause(exc)
        if cause is not None:
            print(environment_line(cause), file=sys.stderr)
            return EXIT_ENVIRONMENT
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except ConvergenceError as exc:
        print(f"error: {clean(exc, 1000)}", file=sys.stderr)
        return EXIT_CONVERGENCE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OtherCheckoutError as exc:
        print(f"error: {clean(exc, 1000)}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except BrokenPipeError:  # `python -m model summary | head`: the reader left; not an error of ours
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 0
    except OSError as exc:  # the machine, not the input: an unwritable cache or output directory, a full disk
        print(environment_line(exc), file=sys.stderr)
        return EXIT_ENVIRONMENT
    except Exception as exc:  # last resort: one line, never a traceback
        print(
            f"internal error: {type(exc).__name__}: {clean(exc, 300)}; please report with this input", file=sys.stderr
        )
        return EXIT_INTERNAL
    return 0
