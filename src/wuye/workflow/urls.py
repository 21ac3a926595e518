from django.urls import path

from wuye.workflow.views import cases as views
from wuye.workflow.views import holidays as holiday_pages

app_name = "workflow"
urlpatterns = [
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/timeline/", views.case_timeline, name="case_timeline"),
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="case_action"),
    path("attachments/<uuid:pk>/", views.attachment_file, name="attachment"),
    path("holidays/", holiday_pages.holidays, name="holidays"),
]
