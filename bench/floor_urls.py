"""The framework floor: a bare authenticated Django endpoint that inserts one row. Same
middleware, same bearer-token check as the API, no framework or business logic beyond that."""

from django.contrib.admin.models import ADDITION, LogEntry
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from wuye.core.services import api_token_authenticate
from wuye.urls import urlpatterns as app_patterns


@csrf_exempt
def floor(request):
    header = request.headers.get("Authorization", "")
    user = api_token_authenticate(header.removeprefix("Bearer ").strip())
    if user is None:
        return HttpResponse(status=401)
    entry = LogEntry.objects.create(
        user=user, object_repr="bench", action_flag=ADDITION, change_message=""
    )
    return JsonResponse({"id": entry.pk}, status=201)


urlpatterns = [path("bench/floor", floor), *app_patterns]
