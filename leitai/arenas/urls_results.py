"""Results, exports and the public results page (filled in by the results work)."""

urlpatterns: list = []
