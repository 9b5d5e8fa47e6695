"""Short root-level links (a judge's personal link /j/<token>), filled in by the screens work."""

urlpatterns: list = []
