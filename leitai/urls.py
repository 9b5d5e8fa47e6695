from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from leitai.accounts.views import AdminSignInView
from leitai.api.urls import api

# A path no route matches: a page, or the API's refusal body under /api/.
handler404 = "leitai.site.views.not_found"

urlpatterns = [
    path("", include("leitai.site.urls")),
    path("", include("leitai.core.urls")),
    path("accounts/", include("leitai.accounts.urls")),
    path("orgs/", include("leitai.orgs.urls")),
    path("live/", include("leitai.live.urls")),
    path("arenas/", include("leitai.arenas.urls")),
    path("evidence/", include("leitai.evidence.urls")),
    path("programmes/", include("leitai.programs.urls")),
    path("", include("leitai.arenas.urls.root")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
    # Before the admin's own URLs: its sign-in is the main one, with the same throttle.
    path("admin/login/", AdminSignInView.as_view(), name="admin_login"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:  # pragma: no cover - the demo serves uploads itself only in debug mode
    from django.conf.urls.static import static
    from django.urls import re_path
    from django.views.defaults import page_not_found

    # Evidence files are served only through the evidence views, which check who asks.
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/evidence/",
            page_not_found,
            {"exception": Exception("not served")},
        )
    ]
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
