"""The arena pages: hosts' set-up and console, the screens and judges' phones, the results."""

from leitai.arenas.urls.host import urlpatterns as host_urls
from leitai.arenas.urls.results import urlpatterns as results_urls
from leitai.arenas.urls.screens import urlpatterns as screens_urls

app_name = "arenas"

urlpatterns = [*host_urls, *screens_urls, *results_urls]
