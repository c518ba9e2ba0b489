"""Relations between actors over time: dyad series, trends and turning points.

``relations.dyad_series`` aggregates stored events per period in SQL; ``trends`` reads a
series and says which way it goes and where it broke, each claim backed by event ids.
"""

from __future__ import annotations

from detente.analysis.relations import DyadSeries, Period, dyad_series
from detente.analysis.trends import Trend, TurningPoint, trend, turning_points

__all__ = ["DyadSeries", "Period", "Trend", "TurningPoint", "dyad_series", "trend", "turning_points"]
