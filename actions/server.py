"""`python -m actions.server`: the action server, on 127.0.0.1 by default, behind `actions.gate`.

    python -m actions.server [--port 5055] [--host 127.0.0.1] [--actions actions]

Use it instead of `rasa run actions`, which listens on every interface (0.0.0.0). Rasa must send the header
of endpoints.yml (`X-CERS-Action-Token: ${ACTION_SERVER_TOKEN}`); scripts/start.sh sets both sides.
"""
from __future__ import annotations

import argparse
import logging
import os
from typing import Optional, Sequence


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m actions.server", description="Start the action server.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT", "5055")))
    parser.add_argument("--host", default=os.environ.get("ACTION_SERVER_HOST", "127.0.0.1"),
                        help="interface to listen on (default 127.0.0.1: only this machine)")
    parser.add_argument("--actions", default="actions", help="the actions package (default: actions)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from rasa_sdk import utils
    from rasa_sdk.endpoint import create_app

    from actions import gate

    app = create_app(args.actions, cors_origins=None)
    gate.install(app)
    logging.getLogger(__name__).info("Action server on http://%s:%s (Rasa's shared token required)",
                                     args.host, args.port)
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)


if __name__ == "__main__":
    main()
