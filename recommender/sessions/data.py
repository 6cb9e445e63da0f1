"""Click sessions: TSV loading and the index-encoded training structure every model reads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ["SessionId", "ItemId", "Time"]


def load_sessions(path: str | Path) -> pd.DataFrame:
    """Read a session-rec TSV (header SessionId, ItemId, Time in unix seconds)."""
    frame = pd.read_csv(path, sep="\t", dtype={"SessionId": str, "ItemId": str})
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; need {COLUMNS}")
    return normalise(frame[COLUMNS])


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """String ids, float time, ordered by session then time (stable: file order breaks ties)."""
    out = pd.DataFrame({
        "SessionId": frame["SessionId"].astype(str).to_numpy(),
        "ItemId": frame["ItemId"].astype(str).to_numpy(),
        "Time": frame["Time"].astype(float).to_numpy(),
    })
    out = out.sort_values(["SessionId", "Time"], kind="mergesort")
    return out.reset_index(drop=True)


def _segments(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat positions of the given CSR rows, and which of `rows` each position belongs to."""
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    total = int(lengths.sum())
    seg = np.repeat(np.arange(len(rows)), lengths)
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + offsets, seg


@dataclass
class TrainIndex:
    """Training sessions encoded once; item codes are positions in `item_ids`.

    seq_*      every session's clicks in time order (CSR over sessions)
    set_*      every session's distinct items with the 1-based position of their LAST click
    item_*     for every item, the sessions holding it (CSR over items)
    """

    item_ids: np.ndarray
    code_of: dict[str, int]
    session_ids: np.ndarray
    seq_indptr: np.ndarray
    seq_items: np.ndarray
    seq_times: np.ndarray
    set_indptr: np.ndarray
    set_items: np.ndarray
    set_lastpos: np.ndarray
    item_indptr: np.ndarray
    item_sessions: np.ndarray
    session_time: np.ndarray  # last click of each session
    session_len: np.ndarray  # clicks
    session_nuniq: np.ndarray  # distinct items
    item_clicks: np.ndarray
    item_idf: np.ndarray  # log(sessions / clicks), as session-rec computes it

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_sessions(self) -> int:
        return len(self.session_ids)

    def encode(self, items) -> np.ndarray:
        return np.fromiter((self.code_of[i] for i in items), dtype=np.int64)

    def set_rows(self, sessions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _segments(self.set_indptr, sessions)

    def sessions_of(self, items: np.ndarray) -> np.ndarray:
        flat, _ = _segments(self.item_indptr, items)
        return self.item_sessions[flat]


def build_index(train: pd.DataFrame) -> TrainIndex:
    """Encode a normalised frame (see `normalise`)."""
    if train.empty:
        raise ValueError("no training clicks")
    item_ids, item_codes = np.unique(train["ItemId"].to_numpy(), return_inverse=True)
    session_ids, first, counts = np.unique(
        train["SessionId"].to_numpy(), return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")  # frames are session-sorted, keep it explicit
    session_ids, first, counts = session_ids[order], first[order], counts[order]
    seq_indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    seq_items = item_codes.astype(np.int64)
    seq_times = train["Time"].to_numpy(dtype=float)
    n_sessions, n_items = len(session_ids), len(item_ids)
    session_of_click = np.repeat(np.arange(n_sessions), counts)
    position = np.arange(len(seq_items)) - np.repeat(seq_indptr[:-1], counts) + 1

    # Distinct items per session with the last position: max over duplicates.
    last = pd.DataFrame({"s": session_of_click, "i": seq_items, "p": position})
    last = last.groupby(["s", "i"], sort=True)["p"].max().reset_index()
    set_counts = np.bincount(last["s"].to_numpy(), minlength=n_sessions)
    set_indptr = np.concatenate([[0], np.cumsum(set_counts)]).astype(np.int64)
    set_items = last["i"].to_numpy(dtype=np.int64)
    set_lastpos = last["p"].to_numpy(dtype=float)

    by_item = np.argsort(set_items, kind="stable")
    item_counts = np.bincount(set_items, minlength=n_items)
    item_indptr = np.concatenate([[0], np.cumsum(item_counts)]).astype(np.int64)
    item_sessions = np.repeat(np.arange(n_sessions), set_counts)[by_item]

    session_time = seq_times[seq_indptr[1:] - 1]
    item_clicks = np.bincount(seq_items, minlength=n_items).astype(float)
    return TrainIndex(
        item_ids=item_ids, code_of={v: k for k, v in enumerate(item_ids)},
        session_ids=session_ids, seq_indptr=seq_indptr, seq_items=seq_items,
        seq_times=seq_times, set_indptr=set_indptr, set_items=set_items,
        set_lastpos=set_lastpos, item_indptr=item_indptr, item_sessions=item_sessions,
        session_time=session_time, session_len=counts.astype(float),
        session_nuniq=set_counts.astype(float), item_clicks=item_clicks,
        item_idf=np.log(n_sessions / np.maximum(item_clicks, 1.0)),
    )
