# English: "3 Dec 2026, 15:13". Django's default is the US style ("Dec. 3, 2026, 3:13 p.m.",
# short "12/03/2026 3:13 p.m."), which owners misread and which mixed with 24-hour times.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"
