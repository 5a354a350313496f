"""Pages of monitoring: off-platform reports and flags."""

urlpatterns: list = []
