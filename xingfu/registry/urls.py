from django.urls import URLPattern, URLResolver, path

from xingfu.registry import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.registry_home, name="registry-home"),
    path("export/", views.registry_export, name="registry-export"),
    path("households/", views.household_list, name="registry-households"),
    path("households/new/", views.household_new, name="registry-household-new"),
    path("households/<int:pk>/", views.household_detail, name="registry-household"),
    path("households/<int:pk>/members/new/", views.member_new, name="registry-member-new"),
    path("households/<int:pk>/births/new/", views.birth_new, name="registry-birth-new"),
    path("persons/<int:pk>/", views.person_detail, name="registry-person"),
    path("persons/<int:pk>/edit/", views.person_edit, name="registry-person-edit"),
    path("persons/<int:pk>/reveal/<str:what>/", views.person_reveal, name="registry-person-reveal"),
    path("persons/<int:pk>/marriage/", views.marriage_new, name="registry-marriage-new"),
    path("persons/<int:pk>/disability/", views.disability_edit, name="registry-disability-edit"),
    path("persons/<int:pk>/divorce/", views.divorce_new, name="registry-divorce-new"),
    path("households/<int:pk>/head/", views.head_change, name="registry-head-change"),
    path("persons/<int:pk>/death/", views.death_new, name="registry-death-new"),
    path("persons/<int:pk>/move-out/", views.move_out_new, name="registry-move-out-new"),
    path("persons/<int:pk>/move/", views.move_in_new, name="registry-move-in-new"),
]
