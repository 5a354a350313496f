"""Pages of dispatch and the community inbox."""

urlpatterns: list = []
