"""The sex-ratio statistics checked against statsmodels and scipy on hand-made data."""

import math

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from xingfu.analytics import stats


@pytest.mark.parametrize(("boys", "births"), [(0, 10), (3, 10), (10, 10), (525, 1000), (1, 1), (51, 100)])
def test_the_wilson_interval_matches_statsmodels(boys: int, births: int) -> None:
    lo, hi = stats.wilson([boys], [births])
    ref_lo, ref_hi = proportion_confint(boys, births, alpha=0.05, method="wilson")
    assert lo[0] == pytest.approx(ref_lo, abs=1e-12)
    assert hi[0] == pytest.approx(ref_hi, abs=1e-12)


def test_the_srb_interval_is_the_wilson_interval_mapped_to_boys_per_100_girls() -> None:
    """statistics.md: 1,000 births at SRB 105 → 92.7–118.8."""
    boys = round(1000 * 105 / 205)
    lo, hi = stats.srb_interval([boys], [1000])
    assert lo[0] == pytest.approx(92.7, abs=0.6)
    assert hi[0] == pytest.approx(118.8, abs=0.6)


def test_the_table_in_the_domain_notes_is_reproduced() -> None:
    for births, low, high in [(3000, 97.8, 112.9), (10_000, 101.0, 109.2)]:
        lo, hi = stats.srb_interval([round(births * 105 / 205)], [births])
        assert lo[0] == pytest.approx(low, abs=0.3) and hi[0] == pytest.approx(high, abs=0.3)


def test_no_girls_gives_an_unbounded_interval_not_a_number() -> None:
    lo, hi = stats.srb_interval([4], [4])
    assert math.isinf(hi[0]) and math.isfinite(lo[0]) and lo[0] > 0


def test_no_births_gives_no_interval() -> None:
    lo, hi = stats.srb_interval([0], [0])
    assert math.isnan(lo[0]) and math.isnan(hi[0])


def test_the_posterior_tail_is_scipys_beta_survival_function() -> None:
    prior = stats.BetaPrior(50.0, 45.0, "mle", 10)
    post = stats.posterior(prior, [60, 5], [110, 8])
    expected = [sps.beta.sf(107 / 207, 50 + 60, 45 + 50), sps.beta.sf(107 / 207, 50 + 5, 45 + 3)]
    assert post.p_above == pytest.approx(expected, rel=1e-12)
    median_p = sps.beta.median(110, 95)
    assert post.median_srb[0] == pytest.approx(100 * median_p / (1 - median_p))


def test_the_posterior_interval_ends_are_beta_quantiles_mapped_to_srb() -> None:
    prior = stats.JEFFREYS
    post = stats.posterior(prior, [300], [560])
    lo_p, hi_p = sps.beta.ppf([0.025, 0.975], 300.5, 260.5)
    assert post.low_srb[0] == pytest.approx(100 * lo_p / (1 - lo_p))
    assert post.high_srb[0] == pytest.approx(100 * hi_p / (1 - hi_p))


def _simulate(rng: np.random.Generator, *, alpha: float, beta: float, sizes: np.ndarray) -> np.ndarray:
    return rng.binomial(sizes, rng.beta(alpha, beta, size=len(sizes)))


def test_the_prior_fit_recovers_the_mean_and_the_spread_between_areas() -> None:
    rng = np.random.default_rng(7)
    sizes = rng.integers(150, 600, size=400)
    boys = _simulate(rng, alpha=55.0, beta=45.0, sizes=sizes)  # mean 0.55, concentration 100
    prior = stats.fit_beta_prior(boys, sizes)
    assert prior.method == "mle"
    assert prior.mean == pytest.approx(0.55, abs=0.01)
    assert 60 < prior.concentration < 170


def test_the_maximum_likelihood_fit_beats_its_starting_point() -> None:
    """The fitted (α, β) has a higher beta-binomial likelihood than the method-of-moments start."""
    rng = np.random.default_rng(11)
    counts = rng.integers(20, 200, size=120)
    boys = _simulate(rng, alpha=30.0, beta=26.0, sizes=counts).astype(float)
    sizes = counts.astype(float)
    prior = stats.fit_beta_prior(boys, sizes)
    mean, kappa = stats._moments(boys, sizes)

    def loglik(a: float, b: float) -> float:
        return float(np.sum(sps.betabinom.logpmf(boys, sizes, a, b)))

    assert loglik(prior.alpha, prior.beta) >= loglik(mean * kappa, (1 - mean) * kappa) - 1e-6


def test_with_no_variation_between_areas_the_prior_weighs_no_more_than_all_their_births() -> None:
    sizes = np.full(50, 40)
    boys = np.array([21] * 25 + [20] * 25)
    prior = stats.fit_beta_prior(boys, sizes)
    assert prior.at_bound and prior.concentration <= sizes.sum() + 1


def test_too_few_areas_fall_back_to_the_jeffreys_prior() -> None:
    prior = stats.fit_beta_prior([10, 12], [20, 22])
    assert prior.method == "jeffreys" and prior.alpha == prior.beta == 0.5


def test_a_small_village_with_a_wild_ratio_is_pulled_toward_the_district() -> None:
    rng = np.random.default_rng(3)
    sizes = rng.integers(30, 80, size=200)
    boys = rng.binomial(sizes, 105 / 205)
    sizes = np.append(sizes, 10)
    boys = np.append(boys, 9)  # 9 boys, 1 girl: observed SRB 900
    prior = stats.fit_beta_prior(boys, sizes)
    post = stats.posterior(prior, boys, sizes)
    assert post.median_srb[-1] < 125
    assert not stats.alerts(post.p_above, sizes)[-1]


def test_an_alert_needs_the_probability_and_enough_births_of_its_own() -> None:
    assert list(stats.alerts([0.99, 0.99, 0.94], [150, 40, 5000])) == [True, False, False]


def test_the_probability_of_being_higher_than_the_rest_matches_simulation() -> None:
    rng = np.random.default_rng(5)
    x = rng.beta(120, 80, 400_000)
    y = rng.beta(1100, 900, 400_000)
    assert stats.prob_greater(120, 80, 1100, 900) == pytest.approx(float(np.mean(x > y)), abs=0.005)
