"""The Gamma-Gamma model of spend per transaction (Fader, Hardie and Lee, "RFM and CLV:
Using Iso-Value Curves for Customer Base Analysis", 2005; Fader and Hardie's note "The
Gamma-Gamma Model of Monetary Value", 2013).

A customer's transaction values are Gamma(p, nu) around their own mean, nu ~ Gamma(q,
gamma) across customers. For the mean m of x repeat transactions (x > 0, m > 0):

    ln f(m | x) = lnGamma(px+q) - lnGamma(px) - lnGamma(q) + q ln gamma
                  + (px-1) ln m + px ln x - (px+q) ln(gamma + m x)

and a customer's expected spend per transaction is p (gamma + m x) / (p x + q - 1): a
weighted mean of the population mean p gamma / (q - 1) and their own mean m.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.special import gammaln

from pipelines.clv.mle import compress, maximise


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    gamma: float


@dataclass(frozen=True)
class GammaGammaFit:
    params: GammaGammaParams
    log_likelihood: float
    customers: int
    converged: bool

    def as_dict(self) -> dict:
        return {**asdict(self.params), "log_likelihood": self.log_likelihood,
                "customers": self.customers, "converged": self.converged}


def usable(x, m) -> np.ndarray:
    """Who the model can take: repeat buyers whose mean repeat spend is positive (a mean of
    zero, all-free or fully refunded repeat days, has no Gamma density)."""
    x, m = np.asarray(x, dtype="float64"), np.asarray(m, dtype="float64")
    return (x > 0) & np.isfinite(m) & (m > 0)


def log_likelihood(params: GammaGammaParams, x, m) -> np.ndarray:
    p, q, g = params.p, params.q, params.gamma
    x, m = np.asarray(x, dtype="float64"), np.asarray(m, dtype="float64")
    px = p * x
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g)
            + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(g + m * x))


def fit(x, m) -> GammaGammaFit:
    keep = usable(x, m)
    rows, counts = compress(np.asarray(x, dtype="float64")[keep],
                            np.asarray(m, dtype="float64")[keep])
    if len(counts) == 0:
        raise ValueError("no repeat buyers with a positive mean spend to fit")

    def negative(theta: np.ndarray) -> float:
        params = GammaGammaParams(*np.exp(theta))
        return -float(np.dot(counts, log_likelihood(params, *rows.T)))

    theta, value, converged = maximise(negative, start=np.zeros(3))
    return GammaGammaFit(GammaGammaParams(*(float(v) for v in np.exp(theta))), -value,
                         int(counts.sum()), converged)


def expected_spend(params: GammaGammaParams, x, m) -> np.ndarray:
    """E[M | x, m] per transaction; the population mean where x = 0 or m is unusable. NaN
    when q <= 1 (the population mean is then infinite)."""
    p, q, g = params.p, params.q, params.gamma
    if q <= 1:
        return np.full(np.shape(x), np.nan)
    x, m = np.asarray(x, dtype="float64"), np.asarray(m, dtype="float64")
    keep = usable(x, m)
    x = np.where(keep, x, 0.0)
    m = np.where(keep, m, 0.0)
    return p * (g + m * x) / (p * x + q - 1)
