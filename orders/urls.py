from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("orders/", views.order_list, name="order_list"),
    path("orders/<str:number>/", views.order_detail, name="order_detail"),
    path("orders/<str:number>/return/", views.return_create, name="return_create"),
    path("returns/", views.return_list, name="return_list"),
    path("returns/<str:reference>/", views.return_detail, name="return_detail"),
    path("returns/<str:reference>/cancel/", views.return_cancel, name="return_cancel"),
    path("returns/<str:reference>/photos/<int:photo_id>/", views.return_photo,
         name="return_photo"),
]
