"""Public screens and judges' phones (filled in by the screens work)."""

urlpatterns: list = []
