"""Response headers common to every page."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (with ``private``, ``no-cache``…) on every response built by
    the app: its pages, downloads and exports hold personal data, which neither the browser's
    cache nor a shared proxy may keep. Static files (WhiteNoise, earlier in the chain) keep
    their own long-lived caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response
