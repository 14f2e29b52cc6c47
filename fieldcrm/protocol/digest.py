"""Order-independent digests of a set of row versions, computed the same way on both sides.

Every write of a row on the server gets a new, unique change sequence number (``seq``); a
laptop keeps the ``seq`` of the server state each of its rows came from. So the set of
live rows a laptop holds for an entity is described exactly by the set of their ``seq``
values, and two sets are compared through four power sums of those numbers:

    (count, sum of s, sum of s² mod P, sum of s³ mod P)        P = 2^31 - 1

The sums can be added to and taken from one row at a time (the server keeps them per
scope and entity as it writes) and are computed by both SQLite and PostgreSQL with plain
integer arithmetic that never overflows 64 bits. A missing row, an extra row, a stale
version or a missing row balanced by an extra one changes the count or the first sum
whenever the numbers differ; two or three differences that happen to balance in the first
sum are caught by the second and third with near certainty.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

MODULUS = 2_147_483_647


class Digest(NamedTuple):
    """The digest of a set of row versions (see the module's docstring)."""

    rows: int = 0
    total: int = 0
    squares: int = 0
    cubes: int = 0

    def __add__(self, other: object) -> Digest:
        if not isinstance(other, Digest):
            return NotImplemented
        return Digest(
            self.rows + other.rows,
            self.total + other.total,
            self.squares + other.squares,
            self.cubes + other.cubes,
        )

    def __sub__(self, other: Digest) -> Digest:
        return Digest(
            self.rows - other.rows,
            self.total - other.total,
            self.squares - other.squares,
            self.cubes - other.cubes,
        )

    def as_list(self) -> list[int]:
        return [self.rows, self.total, self.squares, self.cubes]

    @classmethod
    def from_list(cls, values: Iterable[int]) -> Digest:
        count, total, squares, cubes = (int(v) for v in values)
        return cls(count, total, squares, cubes)


def version_digest(seq: int) -> Digest:
    """The digest of one row version."""
    r = seq % MODULUS
    square = r * r % MODULUS
    return Digest(1, seq, square, square * r % MODULUS)


def digest_of(seqs: Iterable[int]) -> Digest:
    out = Digest()
    for seq in seqs:
        out = out + version_digest(seq)
    return out


def digest_sql(column: str) -> str:
    """SELECT expressions (count, sum, squares, cubes) over ``column``; NULLs are skipped."""
    r = f"({column} % {MODULUS})"
    square = f"({r} * {r} % {MODULUS})"
    return (
        f"count({column}), coalesce(sum({column}), 0), coalesce(sum({square}), 0), "
        f"coalesce(sum({square} * {r} % {MODULUS}), 0)"
    )
