"""The model registry the evaluator and the training asset use, with the tuned defaults.

Defaults were chosen by random search (tuning.py) on the YOOCHOOSE 100k sample's training
file split by ITS OWN last day (53,254 training clicks, 12,455 validation predictions); the
withheld test day was never used. Validation gave:
  popularity  HR@20 0.090  MRR@20 0.018
  AR          HR@20 0.573  MRR@20 0.295
  SR          HR@20 0.563  MRR@20 0.313
  V-SKNN      HR@20 0.627  MRR@20 0.343   (session-rec's defaults: k=100, sample 500)
  VSTAN       HR@20 0.652  MRR@20 0.367   (40 random draws of session-rec's grid; flat top)
  VSTAN+SR    HR@20 0.654  MRR@20 0.370   (26 draws of SR weight and reminder boost)
"""

from __future__ import annotations

from recommender.sessions.baselines import AssociationRules, Popularity, SequentialRules
from recommender.sessions.hybrid import Hybrid
from recommender.sessions.knn import VSKNN, VSTAN

# Best HR@20 + MRR@20 of the VSTAN search; sample_size caps k, so k=1000 equals the drawn 2000.
VSTAN_DEFAULTS = dict(k=1000, sample_size=1000, similarity="vec", lambda_spw=8.0,
                      lambda_snh=None, lambda_inh=4.0, lambda_ipw=0.5, lambda_idf=5.0)
# Hybrid search around VSTAN_DEFAULTS: a little SR and a reminder for the latest own click.
HYBRID_DEFAULTS = dict(sr_weight=0.2, reminder=0.8, reminder_decay=1.0)

BASELINES = ("popularity", "ar", "sr")
MODELS = ("vsknn", "vstan", "vstan_sr")
DEFAULT_MODELS = MODELS


def make_model(name: str):
    """An unfitted model by name; ValueError on an unknown name."""
    if name == "popularity":
        return Popularity()
    if name == "ar":
        return AssociationRules()
    if name == "sr":
        return SequentialRules()
    if name == "vsknn":
        return VSKNN()
    if name == "vstan":
        return VSTAN(**VSTAN_DEFAULTS)
    if name == "vstan_sr":
        return Hybrid([(VSTAN(**VSTAN_DEFAULTS), 1.0),
                       (SequentialRules(), HYBRID_DEFAULTS["sr_weight"])],
                      reminder=HYBRID_DEFAULTS["reminder"],
                      reminder_decay=HYBRID_DEFAULTS["reminder_decay"])
    raise ValueError(f"unknown session model {name!r}; choose from "
                     f"{', '.join(BASELINES + MODELS + ('served',))}")
