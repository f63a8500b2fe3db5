"""The supervision office's workbench (督查室工作台): web pages served beside the API at ``/ui``.

Server-rendered (Jinja2), in Chinese by default with English a click away, usable without
JavaScript and printable. Same tokens, roles, refusals and access log as the API: the pages
call the API's own permission checks and services (:mod:`api.auth`, :mod:`api.services`,
the follow-up of :mod:`api.routes.violations`). See :mod:`api.ui.app`.
"""

from api.ui.app import create_ui

__all__ = ["create_ui"]
