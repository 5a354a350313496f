from django.urls import path

from bench.views import PingView
from config.urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("bench/ping/", PingView.as_view(), name="bench-ping"), *portal_urlpatterns]
