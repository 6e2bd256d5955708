"""How many names two lists of different people would share by chance (namesakes)."""
from __future__ import annotations

import numpy as np
import polars as pl

# Two name lists join when they share this many times more names than their recombinations do.
NAMESAKE_FACTOR = 3.0


def namesakes(va: pl.Series, vb: pl.Series, seed: int = 11) -> float:
    """How many of A's names would occur in B by chance if the two lists were of different people:
    A's name tokens recombined across records (the first token of one name with the rest of
    another's) keep the frequencies of first and last names, so JOHN SMITH still collides as often
    as namesakes do, while the people are no longer the same. Two registers of one city share
    many more names than their recombinations; two cities' payrolls share about as many."""
    names = va.drop_nulls().unique()
    tokens = names.str.split(" ")
    usable = tokens.list.len() >= 2
    tokens = tokens.filter(usable)
    if tokens.len() < 2:
        return 0.0
    known = vb.drop_nulls().unique().implode()
    heads = tokens.list.first()
    rests = tokens.list.slice(1)
    counts = []
    rng = np.random.default_rng(seed)
    for _ in range(2):
        order = pl.Series(rng.permutation(tokens.len()))
        mixed = pl.DataFrame({"h": heads, "r": rests.gather(order)}).select(
            pl.concat_list(pl.col("h"), pl.col("r")).list.sort().list.join(" ")).to_series()
        counts.append(int(mixed.is_in(known).sum()))
    return float(np.mean(counts)) * names.len() / tokens.len()
