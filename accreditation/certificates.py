"""The accreditation certificate (R9.11): a PDF with the verification code and a QR code of the
public verification page, and the reading of a code typed or scanned on that page.

The PDF is rendered by WeasyPrint with the CPD record's fetcher (`cpd.exports`), which serves
nothing but the portal's own static files: the certificate's styles are inline and its QR code is
inline SVG, so nothing is fetched at all.
"""

import re
from datetime import date

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from . import rules
from .models import Award

CODE_LENGTH = 12  # models.new_verification_code
NOT_CODE_CHARACTERS = re.compile(r"[^A-Z0-9]")


def verification_code_from(text: str) -> str:
    """The stored form of a code as people type it: 'abcd-efgh jklm' is 'ABCDEFGHJKLM'."""
    return NOT_CODE_CHARACTERS.sub("", text.upper())


def award_for_code(text: str) -> Award | None:
    """The award a typed or scanned code names, or None. One query."""
    code = verification_code_from(text)
    if len(code) != CODE_LENGTH:
        return None
    return Award.objects.select_related("holder").filter(verification_code=code).first()


def award_status(award: Award, *, as_of: date) -> str:
    """'valid', 'expired' or 'revoked' on `as_of` (R9.11)."""
    return rules.award_status(
        expires_on=award.expires_on, revoked=award.revoked_at is not None, as_of=as_of
    )


def verification_url(award: Award) -> str:
    """The absolute address of the award's public verification page, as printed and in the QR."""
    path = reverse("accreditation:verify_code", args=[award.display_code])
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{path}"


def qr_code_svg(data: str) -> SafeString:
    """A QR code of `data` as inline SVG markup (vector, so it prints sharp at any size)."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=0,  # the quiet zone comes from the template's padding
    )
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)
    # Only our own encoder's output, of a URL we built: safe to place in the document.
    return mark_safe(svg)  # noqa: S308


def certificate_context(*, award: Award) -> dict[str, object]:
    candidate = award.candidate
    url = verification_url(award)
    return {
        "award": award,
        "holder_name": award.holder.get_full_name() or award.holder.email,
        "centre": candidate.centre,
        "level": candidate.level,
        "route": candidate.route,
        "verification_url": url,
        "qr_svg": qr_code_svg(url),
    }


def certificate_pdf_bytes(*, award: Award) -> bytes:
    """The certificate as an A4 landscape PDF (R9.11). The award's holder and its candidate's
    centre, route and level should be loaded with it (`select_related`)."""
    from weasyprint import HTML

    from cpd.exports import PDF_BASE_URL, StaticFilesFetcher

    html = render_to_string("accreditation/pdf/certificate.html", certificate_context(award=award))
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesFetcher())
    return document.write_pdf()
