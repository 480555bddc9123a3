"""Start the real product processes (action server, Rasa server, web server) for end-to-end tests, with the
shared secrets the product uses: the action server (`python -m actions.server`, loopback) wants the header
Rasa's endpoints send, and Rasa's HTTP API wants `stack.rasa_token` (`?token=...`)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import httpx

from tests.mailcatcher import free_port

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


@dataclass
class Stack:
    """The running processes and where they listen."""

    workdir: Path
    env: Dict[str, str]
    rasa_url: str = ""
    web_url: str = ""
    actions_url: str = ""
    procs: List[subprocess.Popen] = field(default_factory=list)
    named: Dict[str, subprocess.Popen] = field(default_factory=dict)
    args: Dict[str, List[str]] = field(default_factory=dict)
    health: Dict[str, str] = field(default_factory=dict)
    logs: List[Path] = field(default_factory=list)
    action_token: str = ""  # the header value Rasa sends to the action server
    rasa_token: str = ""  # Rasa's HTTP API token: GET {rasa_url}/conversations/<id>/tracker?token=...

    @property
    def rasa_api(self) -> Dict[str, str]:
        """Query parameters for Rasa's HTTP API: `httpx.get(url, params=stack.rasa_api)`."""
        return {"token": self.rasa_token}

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in self.logs if p.exists())

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()


def _spawn(stack: Stack, name: str, args: List[str]) -> subprocess.Popen:
    log = stack.workdir / f"{name}.log"
    stack.logs.append(log)
    proc = subprocess.Popen(
        args, cwd=ROOT, env=stack.env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
    )
    stack.procs.append(proc)
    stack.named[name] = proc
    stack.args[name] = list(args)
    return proc


def kill(stack: Stack, name: str) -> None:
    """Kill a process hard (SIGKILL to its process group), as a crash or an OOM kill would."""
    import signal

    proc = stack.named[name]
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    stack.procs.remove(proc)


def respawn(stack: Stack, name: str, timeout: float = 300) -> None:
    """Start a killed process again with the same command line and wait until it answers."""
    _spawn(stack, name, stack.args[name])
    _wait(stack, name, stack.health[name], timeout)


def _wait(stack: Stack, name: str, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in stack.procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{name}: a process exited early:\n{stack.log_text()[-4000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{name} did not answer at {url} within {timeout} s:\n{stack.log_text()[-4000:]}")


def _secrets(env: Dict[str, str]) -> tuple:
    """(action server token, Rasa API token) for an environment, as bot.config derives them."""
    from bot.config import derived_secret

    key = env["SECRET_KEY"]
    return (env.get("ACTION_SERVER_TOKEN") or derived_secret(key, "action-server"),
            env.get("RASA_API_TOKEN") or derived_secret(key, "rasa-api"))


def write_endpoints(path: Path, actions_url: str, tracker_db: Path, lock_store: Optional[dict] = None,
                    action_token: Optional[str] = None) -> None:
    """endpoints.yml as scripts/start.sh's: the action server's header, the redacting SQL tracker store."""
    if action_token is None:
        from bot.config import get_settings

        action_token = get_settings().action_server_token
    lines = [
        "action_endpoint:",
        f"  url: {actions_url}/webhook",
        "  headers:",
        f"    X-CERS-Action-Token: \"{action_token}\"",
        "tracker_store:",
        "  type: rasa_addons.tracker_store.RedactingSQLTrackerStore",
        "  dialect: sqlite",
        f"  db: {tracker_db}",
    ]
    if lock_store:
        lines.append("lock_store:")
        lines += [f"  {k}: {v}" for k, v in lock_store.items()]
    path.write_text("\n".join(lines) + "\n")


def start_stack(workdir: Path, env_overrides: Dict[str, str], *, rasa: bool = True, web: bool = True) -> Stack:
    """Start the action server, the Rasa server and the web server on free ports, sharing one database."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(env_overrides)
    env["PYTHONPATH"] = str(ROOT)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    stack = Stack(workdir=workdir, env=env)
    stack.action_token, stack.rasa_token = _secrets(env)
    a_port, r_port, w_port = free_port(), free_port(), free_port()
    stack.actions_url = f"http://127.0.0.1:{a_port}"
    stack.rasa_url = f"http://127.0.0.1:{r_port}"
    stack.web_url = f"http://127.0.0.1:{w_port}"
    env.update(
        {
            "RASA_URL": stack.rasa_url,
            "WEB_PORT": str(w_port),
            "WEB_BASE_URL": stack.web_url,
            "ACTION_ENDPOINT_URL": f"{stack.actions_url}/webhook",
        }
    )
    try:
        _spawn(stack, "actions", [str(VENV_BIN / "python"), "-m", "actions.server", "--port", str(a_port)])
        if web:
            _spawn(stack, "web", [str(VENV_BIN / "python"), "-m", "bot.web"])
        if rasa:
            endpoints = workdir / "endpoints.yml"
            write_endpoints(endpoints, stack.actions_url, workdir / "tracker.db", action_token=stack.action_token)
            model = os.environ.get("CERS_MODEL", str(ROOT / "models" / "cers.tar.gz"))
            _spawn(
                stack,
                "rasa",
                [
                    str(VENV_BIN / "rasa"), "run", "--model", model, "--enable-api", "--auth-token", stack.rasa_token,
                    "-i", "127.0.0.1", "--port", str(r_port), "--credentials", str(ROOT / "credentials.yml"),
                    "--endpoints", str(endpoints), "--log-file", str(workdir / "rasa-debug.log"),
                ],
            )
            stack.logs.append(workdir / "rasa-debug.log")
        stack.health.update({"actions": f"{stack.actions_url}/health", "web": f"{stack.web_url}/healthz",
                             "rasa": f"{stack.rasa_url}/status"})
        _wait(stack, "action server", f"{stack.actions_url}/health", 120)
        if web:
            _wait(stack, "web server", f"{stack.web_url}/healthz", 60)
        if rasa:
            _wait(stack, "Rasa server", f"{stack.rasa_url}/status", 300)
    except BaseException:
        stack.stop()
        raise
    return stack
