"""Swagger UI and ReDoc from the sidecar's local files (no CDN), with
templates that carry no inline script or style. ReDoc builds its styles at
run time (styled-components) and starts a worker from a blob, so its page
alone allows inline styles and blob workers."""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
    url_name = "api:schema"


swagger_view = csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["data:"]})(SwaggerView.as_view())
redoc_view = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"], "img-src": ["data:"]})(
    RedocView.as_view()
)
