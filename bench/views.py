"""The reference endpoint: as little as an authenticated DRF view can do.

Same authentication (token), permission class, renderer and middleware as every API
view; no query beyond the token lookup. The list endpoints are measured against it.
"""

from rest_framework.response import Response
from rest_framework.views import APIView


class PingView(APIView):
    permission_action = "authenticated"

    def get(self, request):
        return Response({"ok": True, "user": request.user.pk})
