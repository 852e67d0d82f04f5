"""The engine's common score scale, shared by metric, trace and ranking code.

``score_from_z`` maps a robust z-score (or any statistic calibrated like one) to a score
where 0 is normal, 1 (z = 3) notable and 3 (z = 9) strong. Past 3 it grows with the
logarithm of z, so a thousand-sigma shift outranks a hundred-sigma one without drowning
every other signal, and it stops at `MAX_SCORE`.
"""

from __future__ import annotations

import math

NOTABLE_Z = 3.0
STRONG_Z = 9.0
MAX_SCORE = 20.0


def score_from_z(z: float) -> float:
    """0 for z <= 0, z / 3 up to z = 9, then 3 + 2 ln(z / 9), at most 20."""
    if not z > 0:
        return 0.0
    if z <= STRONG_Z:
        return z / NOTABLE_Z
    return min(MAX_SCORE, 3.0 + 2.0 * math.log(z / STRONG_Z))
