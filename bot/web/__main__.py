"""`python -m bot.web`: serve the web server on 127.0.0.1:settings.web_port (env WEB_HOST to change the host)."""
from __future__ import annotations

import logging
import os

import uvicorn

from bot.config import get_settings
from bot.web.app import create_app


def main() -> None:
    settings = get_settings()
    host = os.environ.get("WEB_HOST", "127.0.0.1")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    print(f"Chat: {settings.web_base_url}/", flush=True)
    # uvicorn's access log prints query strings, which carry link tokens: bot.web logs paths only.
    uvicorn.run(create_app(), host=host, port=settings.web_port, access_log=False, proxy_headers=True,
                ws="none")  # no websockets here; uvicorn's ws support needs a newer websockets than Rasa pins


if __name__ == "__main__":
    main()
