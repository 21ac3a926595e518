from wuye.residents.views import move_in as pages

app_name = "residents"
urlpatterns = [*pages.urlpatterns]
