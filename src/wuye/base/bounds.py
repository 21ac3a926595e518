"""Bounds of what a person may type, shared by the forms, the API and the services."""

import datetime as dt

# The dates a person types (periods, due dates, promises, warranties, move-in dates): as old as
# the roster import accepts a move-in (1900), far from the limits of date arithmetic (year 1 and
# 9999, where a day more or less is an OverflowError).
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
