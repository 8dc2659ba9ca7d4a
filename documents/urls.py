from django.urls import path

from . import supplement_views, views
from .signing import views as pki_views

app_name = "documents"

urlpatterns = [
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/<str:number>/", views.contract_detail, name="contract"),
    path("contracts/<str:number>/terms/", views.contract_terms, name="contract_terms"),
    path(
        "contracts/<str:number>/regenerate/", views.contract_regenerate, name="contract_regenerate"
    ),
    path("contracts/<str:number>/sign/", views.contract_sign, name="contract_sign"),
    path("signatures/<int:pk>/scan/", views.signature_scan, name="signature_scan"),
    # 补充协议 (issue 17): signed on the contract's page.
    path(
        "supplements/<int:pk>/sign/", supplement_views.supplement_sign_view, name="supplement_sign"
    ),
    path(
        "supplement-signatures/<int:pk>/scan/",
        supplement_views.supplement_signature_scan,
        name="supplement_signature_scan",
    ),
    path("d/<str:number>/", views.document_download, name="download"),
    path("d/<str:number>/retry/", views.document_retry, name="retry"),
    path("of/<str:kind>/<int:pk>/", views.document_of, name="of"),
    # Public: anyone may check a document.
    path("verify/", views.verify, name="verify"),
    path("verify/<str:number>/", views.verify, name="verify_number"),
    # The platform CA (issue 18): public root certificate and revocation list.
    path("pki/ca/", pki_views.pki_ca, name="pki_ca"),
    path("pki/crl/", pki_views.pki_crl, name="pki_crl"),
    path("pki/certificates/", pki_views.certificate_list, name="pki_certificates"),
    path(
        "pki/certificates/<int:pk>/revoke/",
        pki_views.certificate_revoke,
        name="pki_certificate_revoke",
    ),
    path(
        "pki/organizations/<int:org_pk>/issue/",
        pki_views.certificate_reissue,
        name="pki_certificate_issue",
    ),
    path("pki/upload/", pki_views.certificate_upload, name="pki_upload"),
    # Templates (bureau).
    path("templates/", views.template_list, name="templates"),
    path("templates/new/<str:kind>/", views.template_new, name="template_new"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/preview/", views.template_preview, name="template_preview"),
    path("templates/<int:pk>/publish/", views.template_publish, name="template_publish"),
]
