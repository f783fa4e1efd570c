"""The templates an outlet of the demo takes its weekly hours and bays from: a service centre,
a flagship space, an express point, the European centre."""

from __future__ import annotations

import datetime as dt

T = dt.time

# Weekly hours per template: (weekdays, [(opens, closes), ...]). Weekends are shorter.
HOURS = {
    # Service centres close for lunch on weekdays, like most Chinese after-sales workshops.
    "centre": [
        (range(0, 5), [(T(8, 30), T(12)), (T(13), T(18))]),
        (range(5, 7), [(T(9), T(17))]),
    ],
    "flagship": [(range(0, 5), [(T(9), T(21))]), (range(5, 7), [(T(10), T(20))])],
    "express": [(range(0, 5), [(T(9), T(18))]), (range(5, 6), [(T(9), T(15))])],
    "europe": [
        (range(0, 5), [(T(8), T(12)), (T(13), T(17))]),
        (range(5, 6), [(T(9), T(13))]),
    ],
}

# Bay names in Chinese ("Bay 1" → "工位 1").
BAY_NAMES_ZH = {
    "Bay 1": "工位 1",
    "Bay 2": "工位 2",
    "Bay 3": "工位 3",
    "EV 1": "电池工位 1",
    "Body 1": "钣喷工位 1",
    "ADAS 1": "智驾标定工位 1",
}

GT = ["general", "tyre"]
# Bays per template: (name, capabilities).
BAYS = {
    "centre": [
        ("Bay 1", GT),
        ("Bay 2", GT),
        ("Bay 3", GT),
        ("EV 1", ["ev_battery", "general"]),
        ("Body 1", ["body_paint"]),
        ("ADAS 1", ["adas_calibration", "general", "tyre"]),
    ],
    "flagship": [
        ("Bay 1", GT),
        ("Bay 2", GT),
        ("EV 1", ["ev_battery", "general"]),
        ("ADAS 1", ["adas_calibration", "general"]),
    ],
    "express": [("Bay 1", GT), ("Bay 2", GT)],
    "europe": [
        ("Bay 1", GT),
        ("Bay 2", GT),
        ("EV 1", ["ev_battery", "general"]),
        ("ADAS 1", ["adas_calibration", "general"]),
    ],
}
