"""Records what an authenticated user read (issue 13): every case page answered (a GET of a
view that fetched its case with ``core.case_views.case_for_user``) and every file downloaded (a
response with a Content-Disposition: documents, PDFs, exports), unless the view recorded it
itself with its own details (``audit_download``)."""

import re

from .models import AuditAction
from .services import audit_record
from .tracking import current_user

FILENAME = re.compile(r'filename="?([^";]+)"?')


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The changes the request makes to tracked records (audit.tracking) are its user's.
        token = current_user.set(getattr(request, "user", None))
        try:
            response = self.get_response(request)
        finally:
            current_user.reset(token)
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or response.status_code != 200
            or getattr(request, "audit_recorded", False)
        ):
            return response
        case = getattr(request, "case_read", None)
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        disposition = response.get("Content-Disposition", "")
        if disposition:
            found = FILENAME.search(disposition)
            audit_record(
                action=AuditAction.DOWNLOADED,
                request=request,
                case=case,
                object_type=view_name,
                detail=found.group(1) if found else request.path,
            )
        elif case is not None and request.method == "GET":
            audit_record(
                action=AuditAction.CASE_VIEWED,
                request=request,
                case=case,
                object_type=view_name,
                detail=request.path,
            )
        return response
