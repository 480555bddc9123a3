"""The Starlette application: routes, the login-session check, security headers, a request log without query
strings, error pages."""
from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.web import api, documents, inventory, pages, review, sds, submit
from bot.web.sessions import SessionCheck

log = logging.getLogger("bot.web")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Token links must not leak to other sites through the Referer header ("no-referrer" would also make
    # browsers send "Origin: null" on form posts, which the CSRF check needs).
    "Referrer-Policy": "same-origin",
}
SERVER_ERROR = "Something went wrong on our side. Nothing you saved is lost; try again in a minute."


class SecurityHeaders(BaseHTTPMiddleware):
    """Adds security headers and logs each request's method, path (never the query) and status."""

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        log.info(
            "%s %s %s %.0fms", request.method, request.url.path, response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if _wants_json(request):
        return JSONResponse({"ok": False, "errors": [exc.detail]}, status_code=exc.status_code)
    if exc.status_code == 404:
        return pages.not_found_page(request)
    if exc.status_code == 405:
        return PlainTextResponse("This address does not accept that kind of request.", status_code=405)
    return PlainTextResponse(str(exc.detail), status_code=exc.status_code)


async def server_error(request: Request, exc: Exception) -> Response:
    # uvicorn logs the traceback itself (Starlette re-raises after this handler); say where it happened.
    log.error("unhandled error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    if _wants_json(request):
        return JSONResponse({"ok": False, "errors": [SERVER_ERROR]}, status_code=500)
    return PlainTextResponse(SERVER_ERROR, status_code=500)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    yield
    client = getattr(app.state, "rasa_client", None)
    if client is not None:
        await client.aclose()


def create_app() -> Starlette:
    """Build the web server application (settings are read per request, so tests may change them)."""
    routes = [
        Route("/", pages.chat_page),
        Route("/healthz", pages.healthz),
        Route("/api/chat", api.chat, methods=["POST"]),
        Route("/api/account/password", api.set_password, methods=["POST"]),
        Route("/api/account/resend", api.resend, methods=["POST"]),
        Route("/api/login", api.login, methods=["POST"]),
        Route("/api/logout", api.logout, methods=["POST"]),
        Route("/account/password", pages.password_page),
        Route("/account/password", pages.password_submit, methods=["POST"]),
        Route("/account/activate", pages.activate_page),
        Route("/account/activate", pages.activate_submit, methods=["POST"]),
        Route("/account/resend", pages.resend_submit, methods=["POST"]),
        Route("/account/reset", pages.reset_request_page),
        Route("/account/reset", pages.reset_request_submit, methods=["POST"]),
        Route("/account/reset/confirm", pages.reset_confirm_page),
        Route("/account/reset/confirm", pages.reset_confirm_submit, methods=["POST"]),
        Route("/login", pages.login_page),
        Route("/login", pages.login_submit, methods=["POST"]),
        Route("/logout", pages.logout_submit, methods=["POST"]),
        Route("/access/decide", pages.access_confirm_page),
        Route("/access/decide", pages.access_decide, methods=["POST"]),
        Route("/dev/mail", pages.devmail_page),
        Route("/staff/outbox", pages.staff_outbox_page),
        Route("/api/inventory/upload", inventory.upload_api, methods=["POST"]),
        Route("/api/inventory/sds", sds.sds_api, methods=["POST"]),
        Route("/api/inventory/export", inventory.export_api),
        Route("/inventory/upload", inventory.upload_page),
        Route("/inventory/template.xlsx", inventory.template_download),
        Route("/inventory/upload", inventory.upload_form_submit, methods=["POST"]),
        Route("/documents", documents.documents_page),
        Route("/documents/site-map-checklist", documents.site_map_checklist_page),
        Route("/documents/upload", documents.upload_form_submit, methods=["POST"]),
        Route("/documents/provided-elsewhere", documents.provided_elsewhere_submit, methods=["POST"]),
        Route("/documents/file", documents.document_file),
        Route("/documents/draft/{plan}", documents.plan_draft),
        Route("/api/documents/upload", documents.upload_api, methods=["POST"]),
        *submit.ROUTES,
        *review.ROUTES,
        Mount("/static", app=StaticFiles(directory=str(Path(__file__).parent / "static")), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders), Middleware(SessionCheck)],
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
