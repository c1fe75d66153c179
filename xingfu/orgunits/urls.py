from django.urls import path

from xingfu.orgunits import views

urlpatterns = [
    path("", views.orgunit_tree, name="orgunit-tree"),
    path("<str:code>/children/", views.orgunit_children, name="orgunit-children"),
]
