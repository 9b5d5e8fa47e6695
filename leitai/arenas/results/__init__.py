"""An arena's results: the tables the results page, the exports and the public page show (`tables`),
their reliability figures (`reliability`), the .xlsx workbook and the PDF score sheet (`export`),
and the figures of a confirmed result as stored, published and recorded (`layout`).

Nothing is imported here: `layout` is read by the offline check of an exported ledger, which runs
without Django.
"""
