"""Results, exports and the public results page."""

from django.urls import path

from leitai.arenas.views import results as views_results

urlpatterns = [
    path("<int:arena_id>/results", views_results.results_page, name="results"),
    path("<int:arena_id>/results.xlsx", views_results.results_xlsx, name="results_xlsx"),
    path("<int:arena_id>/scoresheet.pdf", views_results.scoresheet_pdf, name="scoresheet_pdf"),
    path("<int:arena_id>/public", views_results.public_results, name="public_results"),
    path("<int:arena_id>/public/<str:name>", views_results.draw_file, name="public_draw_file"),
]
