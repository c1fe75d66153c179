"""The statistics of the sex-ratio page (docs/analytics.md, "Method"): pure functions over counts, vectorised
with numpy and scipy.

- Interval for one area: the Wilson score interval on p = boys / births, mapped to SRB = 100·p/(1−p) (the map
  is monotone, so the interval's ends map to the SRB interval's ends; an upper end of p = 1 is SRB ∞).
- Many small areas: empirical Bayes. The share of boys in each area is taken to be drawn from one beta
  distribution, Beta(α, β); its two parameters are fitted by maximum likelihood of the beta-binomial
  marginal over all areas of the level (scipy.optimize on logit-mean and log-concentration, started from the
  method of moments). Each area's posterior is Beta(α + boys, β + girls): its median and 95 % interval,
  mapped to SRB, and the posterior probability that SRB exceeds 107, P(p > 107/207).
  The prior's weight α + β is capped at the births of all areas together: where no variation between areas
  is detectable, the plug-in estimate would otherwise be a point mass, surer of the level's mean than the data
  that estimated it.
- Alert: that probability above 0.95 *and* at least ``ALERT_MIN_BIRTHS`` of the area's own births, so that
  no alert rests mainly on the other areas' births (or points at a handful of families).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special, stats

Z95 = float(stats.norm.ppf(0.975))
SRB_NORMAL_HIGH = 107.0
P_NORMAL_HIGH = SRB_NORMAL_HIGH / (100.0 + SRB_NORMAL_HIGH)  # the share of boys at SRB 107
ALERT_PROBABILITY = 0.95
ALERT_MIN_BIRTHS = 100
TOO_FEW_BIRTHS = 20  # below this, an observed ratio is not shown as a number
KAPPA_MIN, KAPPA_MAX = 0.5, 1e6  # prior concentration (α + β) searched within these


def srb_of(p: ArrayLike) -> NDArray[np.float64]:
    """Boys per 100 girls for a share of boys ``p`` (∞ at p = 1)."""
    arr = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(arr >= 1.0, np.inf, 100.0 * arr / (1.0 - arr))


def wilson(boys: ArrayLike, births: ArrayLike, z: float = Z95) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The Wilson score interval for p = boys / births (NaN where there are no births)."""
    b = np.asarray(boys, dtype=float)
    n = np.asarray(births, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = b / n
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo = np.clip(centre - half, 0.0, 1.0)
    hi = np.clip(centre + half, 0.0, 1.0)
    # Exact ends where the estimate sits on a boundary (floating point leaves 1e-17 otherwise).
    lo = np.where((b == 0) & (n > 0), 0.0, lo)
    hi = np.where((b == n) & (n > 0), 1.0, hi)
    return lo, hi


def srb_interval(boys: ArrayLike, births: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lo, hi = wilson(boys, births)
    return srb_of(lo), srb_of(hi)


@dataclass(frozen=True)
class BetaPrior:
    """The fitted distribution of the share of boys across areas."""

    alpha: float
    beta: float
    method: str  # "mle", "moments", "jeffreys" (too few areas to fit)
    units: int  # areas with births the fit used
    # The concentration reached its cap (the births of all areas together): no variation between areas is
    # detectable, and every area's estimate is close to the level's pooled figure.
    at_bound: bool = False

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def concentration(self) -> float:
        """α + β: how many births the prior weighs like."""
        return self.alpha + self.beta

    @property
    def between_sd_srb(self) -> float:
        """The spread of the areas' true SRB the prior implies (standard deviation of p, mapped at the mean)."""
        m, k = self.mean, self.concentration
        sd_p = math.sqrt(m * (1 - m) / (k + 1))
        # d SRB / d p = 100 / (1 - p)^2
        return 100.0 * sd_p / (1 - m) ** 2


JEFFREYS = BetaPrior(0.5, 0.5, "jeffreys", 0)


def _moments(b: NDArray[np.float64], n: NDArray[np.float64]) -> tuple[float, float]:
    """Method-of-moments mean and concentration for unequal area sizes (Kleinman 1973): with weights
    w = n / N, S = Σ w (p̂ᵢ − p̂)² has expectation p(1−p)·[ρ(1 − Σw² − (k−1)/N) + (k−1)/N], ρ = 1/(κ+1)."""
    total = float(n.sum())
    mean = float(b.sum() / total)
    w = n / total
    s = float(np.sum(w * (b / n - mean) ** 2))
    k = len(n)
    base = (k - 1) / total
    rho = (s / (mean * (1 - mean)) - base) / max(1 - float(np.sum(w**2)) - base, 1e-12)
    if rho <= 1 / (KAPPA_MAX + 1):
        return mean, KAPPA_MAX
    return mean, float(np.clip(1 / rho - 1, KAPPA_MIN, KAPPA_MAX))


def fit_beta_prior(boys: ArrayLike, births: ArrayLike, *, min_units: int = 3) -> BetaPrior:
    """Fit Beta(α, β) to the areas' (boys, births) by maximum likelihood of the beta-binomial; areas without
    births are left out. With fewer than ``min_units`` areas (or none of either sex) the Jeffreys prior is used."""
    b_all = np.asarray(boys, dtype=float)
    n_all = np.asarray(births, dtype=float)
    keep = n_all > 0
    b, n = b_all[keep], n_all[keep]
    if len(n) < min_units or b.sum() == 0 or b.sum() == n.sum():
        return BetaPrior(0.5, 0.5, "jeffreys", len(n))
    g = n - b
    # The prior never weighs more than all the births it was fitted on: with no variation between areas to
    # see, the plug-in estimate would otherwise be a point mass, surer of the mean than the data are.
    kappa_max = min(KAPPA_MAX, float(n.sum()))
    m0, k0 = _moments(b, n)
    k0 = min(k0, kappa_max)

    def nll(x: NDArray[np.float64]) -> float:
        mu = special.expit(x[0])
        k = math.exp(x[1])
        a, c = mu * k, (1 - mu) * k
        return -float(np.sum(special.betaln(a + b, c + g) - special.betaln(a, c)))

    bounds = [(-6.0, 6.0), (math.log(KAPPA_MIN), math.log(max(kappa_max, KAPPA_MIN * 2)))]
    starts = {math.log(k0), bounds[1][1] - 0.5, 2.0, 6.0}
    best = None
    for lk in starts:
        res = optimize.minimize(
            nll, np.array([special.logit(m0), float(np.clip(lk, *bounds[1]))]), method="L-BFGS-B", bounds=bounds
        )
        if res.success and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        return BetaPrior(m0 * k0, (1 - m0) * k0, "moments", len(n), at_bound=k0 >= kappa_max * 0.99)
    mu, k = float(special.expit(best.x[0])), float(math.exp(best.x[1]))
    return BetaPrior(mu * k, (1 - mu) * k, "mle", len(n), at_bound=k >= kappa_max * 0.99)


@dataclass(frozen=True)
class Posterior:
    median_srb: NDArray[np.float64]
    low_srb: NDArray[np.float64]
    high_srb: NDArray[np.float64]
    p_above: NDArray[np.float64]  # P(SRB > 107)


def posterior(prior: BetaPrior, boys: ArrayLike, births: ArrayLike) -> Posterior:
    """Each area's posterior Beta(α + boys, β + girls), summarised on the SRB scale."""
    b = np.asarray(boys, dtype=float)
    n = np.asarray(births, dtype=float)
    a, c = prior.alpha + b, prior.beta + (n - b)
    return Posterior(
        median_srb=srb_of(stats.beta.median(a, c)),
        low_srb=srb_of(stats.beta.ppf(0.025, a, c)),
        high_srb=srb_of(stats.beta.ppf(0.975, a, c)),
        p_above=np.asarray(stats.beta.sf(P_NORMAL_HIGH, a, c), dtype=float),
    )


def prob_greater(a1: float, b1: float, a2: float, b2: float, *, points: int = 4001) -> float:
    """P(X > Y) for independent X ~ Beta(a1, b1), Y ~ Beta(a2, b2): ∫ f_X(x) F_Y(x) dx on a fine grid over
    where X has its mass."""
    lo, hi = stats.beta.ppf([1e-9, 1 - 1e-9], a1, b1)
    x = np.linspace(lo, hi, points)
    integrand = stats.beta.pdf(x, a1, b1) * stats.beta.cdf(x, a2, b2)
    return float(np.clip(np.trapezoid(integrand, x), 0.0, 1.0))


def alerts(p_above: ArrayLike, births: ArrayLike) -> NDArray[np.bool_]:
    """Where an imbalance is credible: P(SRB > 107) above 0.95, resting on enough of the area's own births."""
    return (np.asarray(p_above) > ALERT_PROBABILITY) & (np.asarray(births) >= ALERT_MIN_BIRTHS)
