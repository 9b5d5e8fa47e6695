"""China's working days and the notice period counted on them (issue 14, "The period").

`calendar` answers whether a day is a working day: weekends, public holidays and make-up working
days (调休), from the `chinese-calendar` package for the years it knows and from the organisers'
table (`core.HolidayYear`) for the others. `period` counts a notice period on it. `lines` reads the
organisers' pasted dates, `store` saves and loads the table (on the ledger), `views` is their page.
"""
