"""What every page of the shell needs: site name, current estate and the estates to switch to."""

from django.conf import settings


def shell(request):
    return {"site_name": settings.WUYE["SITE_NAME"]}
