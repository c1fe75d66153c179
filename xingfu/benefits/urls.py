from django.urls import URLPattern, URLResolver, path

from xingfu.benefits.views import applications, cycles, other, programmes, units

urlpatterns: list[URLPattern | URLResolver] = [
    path("", programmes.benefits_home, name="benefits-home"),
    path("programmes/new/", programmes.programme_new, name="benefits-programme-new"),
    path("programmes/<int:pk>/", programmes.programme_detail, name="benefits-programme"),
    path("programmes/<int:pk>/rules/new/", programmes.rule_new, name="benefits-rule-new"),
    path("programmes/<int:pk>/whatif/", programmes.programme_whatif, name="benefits-whatif"),
    path("programmes/<int:pk>/certificates/", programmes.certificates_issue, name="benefits-certificates-issue"),
    path("person/<int:pk>/", units.person_benefits, name="benefits-person"),
    path("household/<int:pk>/", units.household_benefits, name="benefits-household"),
    path("cycles/", cycles.cycle_list, name="benefits-cycles"),
    path("cycles/new/", cycles.cycle_new, name="benefits-cycle-new"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="benefits-cycle"),
    path("cycles/<int:pk>/approve/", cycles.cycle_approve, name="benefits-cycle-approve"),
    path("cycles/<int:pk>/cancel/", cycles.cycle_cancel, name="benefits-cycle-cancel"),
    path("cycles/<int:pk>/bank-file.<str:fmt>", cycles.cycle_export, name="benefits-cycle-export"),
    path("cycles/<int:pk>/results/", cycles.cycle_results, name="benefits-cycle-results"),
    path("ledger/", cycles.ledger_list, name="benefits-ledger"),
    path("ledger/<int:pk>/reverse/", cycles.ledger_reverse, name="benefits-ledger-reverse"),
    path("applications/", applications.application_list, name="benefits-applications"),
    path(
        "applications/new/<int:programme>/<str:unit>/<int:pk>/",
        applications.application_new,
        name="benefits-application-new",
    ),
    path("applications/<int:pk>/", applications.application_detail, name="benefits-application"),
    path("applications/<int:pk>/review/", applications.application_review, name="benefits-application-review"),
    path("applications/<int:pk>/decide/", applications.application_decide, name="benefits-application-decide"),
    path("funds/", other.fund_list, name="benefits-funds"),
    path("funds/<int:pk>/", other.fund_detail, name="benefits-fund"),
    path("funds/<int:pk>/money-in/", other.fund_money, name="benefits-fund-money-in"),
    path("commitments/", other.commitment_list, name="benefits-commitments"),
    path("commitments/new/", other.commitment_new, name="benefits-commitment-new"),
    path("commitments/<int:pk>/fulfil/", other.fulfilment_new, name="benefits-fulfilment-new"),
    path("certificate-check/", other.certificate_check, name="benefits-certificate-check"),
]
