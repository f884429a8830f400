"""The what-if explorer's page in Python: its sliders and the arithmetic it does on the grid.

:func:`explorer_value` is a copy of the arithmetic of ``book/_static/explorer.js`` on the grid of
:func:`model.computation.explore.explorer_grid` (a JSON-ready dict): prior mean, evidence weight and
date by arithmetic, the grid's sliders by interpolation in the logarithm of each. Nothing here
computes the exact path; :func:`model.computation.explore.interpolation_error` compares the two at
the settings :func:`check_settings` draws.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import numpy as np
from scipy import special

from .mcmc_result import BOUND

SLIDER_RANGES: dict[str, tuple[float, float]] = {"base_mean": (0.05, 0.95), "weight": (0.0, 1.0)}
"""Ranges of the two sliders the page computes exactly (no grid)."""


@dataclass(frozen=True)
class Settings:
    """One position of the explorer's sliders.

    Attributes
    ----------
    base_mean : float
        Prior mean of the base case, in :data:`SLIDER_RANGES`.
    weight : float
        Weight of the news (the tempering weight), in :data:`SLIDER_RANGES`.
    sd_factor : float
        Multiplier of the stated measurement error of NVIDIA's figures.
    lower, upper : float
        The two ends of the moved scenario's recovery interval (shares).
    step : int
        Index into :func:`model.computation.explore.explorer_steps` (0: the article's view, before any evidence).
    """

    base_mean: float
    weight: float
    sd_factor: float
    lower: float
    upper: float
    step: int


def preset_settings(grid: dict[str, object], key: str) -> Settings:
    """The sliders after pressing preset ``key``: the assumptions, then the preset's moves.

    Parameters
    ----------
    grid : dict
        From :func:`model.computation.explore.explorer_grid`.
    key : str
        A key of :data:`model.computation.explore.PRESETS`.

    Returns
    -------
    Settings
        The sliders.

    Raises
    ------
    StopIteration
        When the grid has no such preset.
    """
    move = next(p["set"] for p in grid["presets"] if p["key"] == key)
    return Settings(**{**grid["defaults"], **move})


def grid_bytes(grid: dict[str, object]) -> int:
    """Size of the grid as the page carries it (compact JSON).

    Parameters
    ----------
    grid : dict
        From :func:`model.computation.explore.explorer_grid`.

    Returns
    -------
    int
        Bytes, UTF-8.
    """
    return len(json.dumps(grid, separators=(",", ":")).encode())


def settings_default(grid: dict[str, object]) -> Settings:
    """The sliders as the page first shows them: the assumed values, all the evidence.

    Parameters
    ----------
    grid : dict
        From :func:`model.computation.explore.explorer_grid`.

    Returns
    -------
    Settings
        The defaults the grid carries.
    """
    return Settings(**grid["defaults"])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the page's arithmetic, in Python


def _weights(nodes: list[float], v: float, cubic: bool) -> list[tuple[int, float]]:
    """Interpolation weights of ``v`` on ``nodes``, in log(v), clamped to the ends.

    Linear between the two bracketing nodes (weights in [0, 1]), or cubic: Lagrange through the four
    nearest nodes (three or two where fewer exist).
    """
    n = len(nodes)
    if n == 1:
        return [(0, 1.0)]
    x = [float(np.log(u)) for u in nodes]
    lv = min(max(float(np.log(v)), x[0]), x[-1])
    i = 0
    while i < n - 2 and lv > x[i + 1]:
        i += 1
    if not cubic or n < 3:
        t = (lv - x[i]) / (x[i + 1] - x[i])
        return [(i, 1.0 - t), (i + 1, t)]
    lo = max(0, min(i - 1, n - 4))
    idx = list(range(lo, min(lo + 4, n)))
    out = []
    for j in idx:
        w = 1.0
        for k in idx:
            if k != j:
                w *= (lv - x[k]) / (x[j] - x[k])
        out.append((j, w))
    return out


def _axes(grid: dict, state: dict, s: Settings, cubic: bool) -> list[list[tuple[int, float]]]:
    return [
        _weights(state["sd"], s.sd_factor, cubic),
        _weights(grid["lower_nodes"], s.lower, cubic),
        _weights(grid["upper_nodes"], s.upper, cubic),
    ]


def _state_at(grid: dict, state: dict, s: Settings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log Z, mean and logit quantiles of each scenario under one state (cubic in the log of each grid slider)."""
    out = []
    for sc in range(len(grid["scenarios"])):
        parts = []
        for cubic in (True, CUBIC_QUANTILES):
            sd_w, lo_w, hi_w = _axes(grid, state, s, cubic)
            if sc == state["moved_index"]:
                cells = [(ws * wl * wh, state["moved"][a][b][c]) for a, ws in sd_w for b, wl in lo_w for c, wh in hi_w]
            else:
                cells = [(ws, state["fixed"][a][sc]) for a, ws in sd_w]
            parts.append(cells)
        log_z = sum(w * c["log_z"] for w, c in parts[0])
        mean = sum(w * c["mean"] for w, c in parts[0])
        q = sum(w * np.asarray(c["q"], dtype=float) for w, c in parts[1])
        out.append((log_z, mean, q))
    return np.array([o[0] for o in out]), np.array([o[1] for o in out]), np.array([o[2] for o in out])


def _prior_mean(grid: dict, base: float) -> np.ndarray:
    m = np.asarray(grid["m"], dtype=float)
    rest = m[1:] / m[1:].sum()
    return np.concatenate([[base], (1.0 - base) * rest])


def _cdf(levels: np.ndarray, q: np.ndarray, t: float) -> float:
    """A scenario's CDF at logit(share) ``t`` from its logit quantiles: linear in logit between levels, 0/1 outside."""
    if t < q[0]:
        return 0.0
    if t >= q[-1]:
        return 1.0
    j = 0
    while q[j + 1] <= t:
        j += 1
    u = (t - q[j]) / (q[j + 1] - q[j])
    return float(special.expit(levels[j] + u * (levels[j + 1] - levels[j])))


CUBIC_QUANTILES = True
"""Quantile functions are interpolated like log Z and the mean (cubic); False: linearly."""
MIX_BRACKET: tuple[float, float, int] = (-40.0, 10.0, 60)
"""Bisection of the mixture CDF: logit(share) range and number of halvings (resolution 4e-17 in logit)."""


def _mixture_quantile(levels: np.ndarray, qs: np.ndarray, prob: np.ndarray, p: float) -> float:
    """The share x with sum_s P_s F_s(x) = p, by bisection in logit(x)."""
    lo, hi, n = MIX_BRACKET
    for _ in range(n):
        mid = 0.5 * (lo + hi)
        f = sum(w * _cdf(levels, q, mid) for w, q in zip(prob, qs, strict=True) if w > 0)
        lo, hi = (mid, hi) if f < p else (lo, mid)
    return float(special.expit(0.5 * (lo + hi)))


def explorer_value(grid: dict, s: Settings) -> dict[str, object]:
    """What the page shows at one setting of the sliders (a copy of ``book/_static/explorer.js``).

    Parameters
    ----------
    grid : dict
        From :func:`model.computation.explore.explorer_grid`.
    s : Settings
        The sliders.

    Returns
    -------
    dict
        ``prob`` (P(z = s | evidence to the date), shape (scenarios,)), ``share`` and ``usd`` (mean,
        q05, q95; USD bn for ``usd``) and ``belief`` (the probabilities at every step up to the chosen
        one, shape (steps, scenarios)).
    """
    logm = np.log(_prior_mean(grid, s.base_mean))
    table = np.asarray(grid["log_table"], dtype=float)
    cache: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    belief = []
    for row in grid["steps"][: s.step + 1]:
        k = row["state"]
        if k not in cache:
            cache[k] = _state_at(grid, grid["states"][k], s)
        logp = logm + s.weight * np.asarray(row["counts"], dtype=float) @ table + cache[k][0]
        p = np.exp(logp - logp.max())
        belief.append(p / p.sum())
    prob = belief[-1]
    state = grid["states"][grid["steps"][s.step]["state"]]
    _, means, qs = cache[grid["steps"][s.step]["state"]]
    levels = np.asarray(grid["levels"], dtype=float)
    share = {
        "mean": float(prob @ means),
        "q05": _mixture_quantile(levels, qs, prob, 0.05),
        "q95": _mixture_quantile(levels, qs, prob, 0.95),
    }
    return {
        "prob": prob,
        "share": share,
        "usd": {k: v * state["revenue"] for k, v in share.items()},
        "belief": np.array(belief),
    }


def idle_reasons(grid: dict, s: Settings) -> dict[str, str]:
    """The sliders that cannot change the scenario probabilities at the chosen date, each with the reason's key.

    Read from the grid's data at that date, never from a calendar:

    - ``weight``, ``"no_news"``: no news item counts yet (every signal count is 0), so the weight
      multiplies nothing;
    - ``sd_factor``, ``"no_revenue"``: no revenue figure is in force (the state's datum is
      ``"none"``: its likelihood is 1 whatever the error);
    - ``base_mean``, ``"base_ruled_out"``: even at the top of its slider the base case's probability
      is below :data:`model.computation.mcmc_result.BOUND`, the smallest probability the book prints (P(base) rises
      with its prior, so nowhere on the slider does it reach the bound, and the other scenarios keep
      their ratios to one another).

    The page (``book/_static/explorer.js``) tests the same conditions; :func:`model.presentation.widgets.idle_sliders`
    adds that the numbers shown are the same at both ends of the base case's slider.

    Parameters
    ----------
    grid : dict
        From :func:`model.computation.explore.explorer_grid`.
    s : Settings
        The sliders.

    Returns
    -------
    dict of str to str
        Slider name to reason key (empty when every slider can move the probabilities).
    """
    row = grid["steps"][s.step]
    out: dict[str, str] = {}
    if not any(row["counts"]):
        out["weight"] = "no_news"
    if grid["states"][row["state"]]["kind"] == "none":
        out["sd_factor"] = "no_revenue"
    top = dataclasses.replace(s, base_mean=SLIDER_RANGES["base_mean"][1])
    if explorer_value(grid, top)["prob"][0] < BOUND:
        out["base_mean"] = "base_ruled_out"
    return out


def random_settings(grid: dict, n: int, seed: int) -> list[Settings]:
    """``n`` settings drawn uniformly over every slider's range (log scale for the grid's sliders): off the grid.

    Parameters
    ----------
    grid : dict
        From :func:`model.computation.explore.explorer_grid`.
    n : int
        Settings.
    seed : int
        Seed of the draws.

    Returns
    -------
    list of Settings
        The settings.
    """
    rng = np.random.default_rng(seed)

    def log_u(nodes: list[float]) -> float:
        return float(np.exp(rng.uniform(np.log(nodes[0]), np.log(nodes[-1]))))

    return [
        Settings(
            base_mean=float(rng.uniform(*SLIDER_RANGES["base_mean"])),
            weight=float(rng.uniform(*SLIDER_RANGES["weight"])),
            sd_factor=log_u(grid["sd_nodes"]),
            lower=log_u(grid["lower_nodes"]),
            upper=log_u(grid["upper_nodes"]),
            step=int(rng.integers(0, len(grid["steps"]))),
        )
        for _ in range(n)
    ]


def corner_settings(grid: dict, n: int, seed: int) -> list[Settings]:
    """``n`` random settings in the narrowest corner of the interval sliders (lower end in its top
    cell, upper end in its bottom cell), where interpolation is hardest; the other sliders as in
    :func:`random_settings`.

    Parameters
    ----------
    grid, n, seed : dict, int, int
        As for :func:`random_settings`.

    Returns
    -------
    list of Settings
        ``n`` settings, in the same order as :func:`random_settings` draws them.
    """
    rng = np.random.default_rng(seed)
    lo, hi = grid["lower_nodes"], grid["upper_nodes"]
    out = []
    for s in random_settings(grid, n, seed + 1):
        lower = float(np.exp(rng.uniform(np.log(lo[-2]), np.log(lo[-1]))))
        upper = float(np.exp(rng.uniform(np.log(hi[0]), np.log(hi[1]))))
        out.append(Settings(s.base_mean, s.weight, s.sd_factor, lower, upper, s.step))
    return out


def check_settings(grid: dict, n: int, seed: int) -> list[Settings]:
    """The settings an accuracy check uses: ``n`` random ones and ``n // 3`` in the narrow corner.

    Parameters
    ----------
    grid : dict
        From :func:`model.computation.explore.explorer_grid`.
    n : int
        Random settings.
    seed : int
        Seed of the draws.

    Returns
    -------
    list of Settings
        :func:`random_settings`, then :func:`corner_settings`.
    """
    return random_settings(grid, n, seed) + corner_settings(grid, n // 3, seed + 1)
