"""Certificates and the public verification page (R9.11)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .. import access, certificates
from ..forms.awards import VerifyForm


@never_cache  # a personal document: no copy in any cache
@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate PDF: for its holder, the staff of the candidate's centre and officers."""
    award = access.award_for_user(request.user, pk)
    if award.revoked_at is not None:
        raise Http404("This accreditation was revoked: there is no certificate.")
    award = (
        type(award)
        .objects.select_related(
            "holder", "candidate__centre", "candidate__route", "candidate__level"
        )
        .get(pk=award.pk)
    )
    response = HttpResponse(
        certificates.certificate_pdf_bytes(award=award), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="imi-accreditation-{award.verification_code}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def verify(request: HttpRequest) -> HttpResponse:
    """Anyone types a certificate's code (no login)."""
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("accreditation:verify_code", code=form.cleaned_data["code"])
    return render(request, "accreditation/verify.html", {"form": form})


def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """What a certificate's code says today: who holds what, until when, and whether it is
    valid, expired or revoked (R9.11). Nothing else about the holder."""
    award = certificates.award_for_code(code)
    if award is None:
        form = VerifyForm(initial={"code": code})
        return render(
            request, "accreditation/verify_code.html", {"code": code, "form": form}, status=404
        )
    today = timezone.localdate()
    return render(
        request,
        "accreditation/verify_code.html",
        {
            "award": award,
            "holder_name": award.holder.get_full_name() or "Name not recorded",
            "status": certificates.award_status(award, as_of=today),
            "today": today,
        },
    )


urlpatterns = [
    path("accreditation/awards/<int:pk>/certificate.pdf", certificate, name="certificate"),
    path("verify/", verify, name="verify"),
    path("verify/<str:code>/", verify_code, name="verify_code"),
]
