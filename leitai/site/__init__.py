"""The site as a whole: the start page, the navigation bar, the error pages, and `leitai restore`.

These know every app (the navigation links each one by role; a restore reports what it brought
back), so they live here rather than in `core`, the base that imports no app. No app imports
`site`. (Always imported as `leitai.site`: it never shadows Python's own `site` module.)
"""
