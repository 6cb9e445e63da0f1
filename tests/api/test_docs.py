from __future__ import annotations

import re


def test_openapi_docs_work_without_a_cdn(api):
    with api.client() as c:
        page = c.get("/docs")
        assert page.status_code == 200
        assets = re.findall(r"""(?:src|href)=["']([^"']+\.(?:js|css))["']""", page.text)
        assert assets and all(a.startswith("/") for a in assets), assets  # served locally
        for asset in assets:
            assert c.get(asset).status_code == 200
        spec = c.get("/openapi.json").json()
        assert "/v1/orders" in spec["paths"] and "/v1/recommendations" in spec["paths"]
