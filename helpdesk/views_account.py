import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.downloads import content_disposition
from helpdesk.services.data_export import customer_data_export


@never_cache
@require_GET
@login_required
def my_data(request):
    """Download everything stored about the signed-in user, as JSON."""
    data = customer_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = content_disposition(f"my-helpdesk-data-{stamp}.json")
    return response
