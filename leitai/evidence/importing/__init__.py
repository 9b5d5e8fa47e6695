"""Importing the platform's daily data (灯塔-党建在线) from .xlsx or .csv, long or wide."""

from leitai.evidence.importing.daily import COLUMNS

__all__ = ["COLUMNS"]
