from django.urls import path

from wuye.core.views import roster as views

app_name = "core"
urlpatterns = [
    path("estates/<int:pk>/", views.estate_overview, name="estate_overview"),
    path("rooms/", views.room_list, name="room_list"),
    path("rooms/export/", views.room_export, name="room_export"),
    path("rooms/new/", views.room_create, name="room_create"),
    path("rooms/<int:pk>/", views.room_detail, name="room_detail"),
    path("residents/", views.resident_list, name="resident_list"),
    path("residents/export/", views.resident_export, name="resident_export"),
    path("residents/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("staff/", views.staff_list, name="staff_list"),
    path("contractors/", views.contractor_list, name="contractor_list"),
    path("roster/", views.roster, name="roster"),
    path("roster/template/", views.roster_template, name="roster_template"),
    path("roster/export/", views.roster_export, name="roster_export"),
    path("account/tokens/", views.api_token_list, name="api_tokens"),
    path("account/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("account/tokens/revoke-all/", views.api_token_revoke_all, name="api_token_revoke_all"),
]
