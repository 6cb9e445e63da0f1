"""The BG/NBD model (Fader, Hardie and Lee, "Counting Your Customers the Easy Way", 2005).

While alive, a customer buys at rate lambda ~ Gamma(r, alpha); after each purchase they drop
out with probability p ~ Beta(a, b). For a customer with x repeat purchases, the last at t_x,
observed for T, the likelihood is (their equation 6)

    L = B(a, b+x)/B(a, b) * Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x))
      + [x > 0] B(a+1, b+x-1)/B(a, b) * Gamma(r+x) alpha^r / (Gamma(r) (alpha+t_x)^(r+x))

computed here in logs: ln L = A1 + A2 + ln(exp(A3) + [x > 0] exp(A4)) with
A1 = lnGamma(r+x) - lnGamma(r) + r ln alpha, A2 = lnGamma(a+b) + lnGamma(b+x) - lnGamma(b)
- lnGamma(a+b+x), A3 = -(r+x) ln(alpha+T), A4 = ln a - ln(b+x-1) - (r+x) ln(alpha+t_x).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.special import gammaln, hyp2f1

from pipelines.clv.mle import compress, maximise


@dataclass(frozen=True)
class BgNbdParams:
    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class BgNbdFit:
    params: BgNbdParams
    log_likelihood: float
    customers: int
    converged: bool

    def as_dict(self) -> dict:
        return {**asdict(self.params), "log_likelihood": self.log_likelihood,
                "customers": self.customers, "converged": self.converged}


def log_likelihood(params: BgNbdParams, x, t_x, T) -> np.ndarray:
    """ln L of each customer."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    # ln(b+x-1) is undefined for x = 0 when b < 1; that term is dropped there anyway.
    a4 = np.where(repeat, np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0))
                  - (r + x) * np.log(alpha + t_x), -np.inf)
    return a1 + a2 + np.logaddexp(a3, a4)


def fit(x, t_x, T) -> BgNbdFit:
    """Maximum likelihood over (ln r, ln alpha, ln a, ln b), so every parameter stays > 0."""
    rows, counts = compress(x, t_x, T)
    if len(counts) == 0:
        raise ValueError("no customers to fit")

    def negative(theta: np.ndarray) -> float:
        params = BgNbdParams(*np.exp(theta))
        return -float(np.dot(counts, log_likelihood(params, *rows.T)))

    theta, value, converged = maximise(negative, start=np.zeros(4))
    return BgNbdFit(BgNbdParams(*(float(v) for v in np.exp(theta))), -value,
                    int(counts.sum()), converged)


def expected_purchases(params: BgNbdParams, t: float, x, t_x, T) -> np.ndarray:
    """E[Y(t) | x, t_x, T]: purchases expected in the next t periods (their equation 10)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
    z = t / (alpha + T + t)
    head = (a + b + x - 1) / (a - 1)
    body = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    return head * body / (1 + _dropout_odds(params, x, t_x, T))


def p_alive(params: BgNbdParams, x, t_x, T) -> np.ndarray:
    """P(still alive | x, t_x, T): 1 for someone who never came back (they cannot have
    dropped out: in the BG/NBD dropping out happens only right after a purchase)."""
    x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
    return 1 / (1 + _dropout_odds(params, x, t_x, T))


def _dropout_odds(params: BgNbdParams, x, t_x, T) -> np.ndarray:
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    repeat = x > 0
    safe = np.where(repeat, b + x - 1, 1.0)
    return np.where(repeat, a / safe * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0)
