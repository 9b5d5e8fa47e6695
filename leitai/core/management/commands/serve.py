"""`leitai serve`: uvicorn serving HTTP and WebSockets from one ASGI application."""

from __future__ import annotations

import os
import socket
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from leitai.core.holders import DatabaseInUse, hold_for_server
from leitai.core.imports import expire_jobs, fail_interrupted_jobs


def lan_address() -> str:
    """The address other machines on the venue's network reach us at.

    Connecting a UDP socket sends nothing; it only makes the kernel pick the outgoing interface.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


class Command(BaseCommand):
    help = "Serve Leitai (HTTP and WebSockets) with uvicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument(
            "--lan",
            action="store_true",
            help="bind 0.0.0.0 and print the LAN address and its QR code for phones in the hall",
        )
        parser.add_argument("--log-level", default="warning")

    def handle(self, *args: Any, **options: Any) -> None:
        workers: int = options["workers"]
        port: int = options["port"]
        host: str = options["host"]
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        if not 0 < port < 65536:
            raise CommandError("--port must be between 1 and 65535")
        if workers > 1 and not settings.REDIS_URL:
            raise CommandError(
                "--workers > 1 needs REDIS_URL: without Redis an update published in one worker "
                "would never reach screens connected to another."
            )
        address = host
        if options["lan"]:
            host = "0.0.0.0"
            address = lan_address()
            if address not in settings.ALLOWED_HOSTS:
                settings.ALLOWED_HOSTS.append(address)
                os.environ["ALLOWED_HOSTS"] = ",".join(settings.ALLOWED_HOSTS)
        public = f"http://{address}:{port}"
        if not os.environ.get("LEITAI_PUBLIC_URL"):
            # Judges' links and QR codes must carry the address and port we actually serve at
            # (the environment, also read by every worker process, is where settings find it).
            os.environ["LEITAI_PUBLIC_URL"] = public
            settings.PUBLIC_URL = public
        if options["lan"]:
            self._print_lan(public)
        try:
            # Held until the process ends: `leitai restore` refuses while a server runs.
            hold_for_server()
        except DatabaseInUse as refused:
            raise CommandError(str(refused)) from None
        interrupted = fail_interrupted_jobs()
        if interrupted:
            self.stderr.write(
                f"{interrupted} import(s) interrupted by the last stop were marked failed"
            )
        expired = expire_jobs()
        if expired:
            self.stderr.write(f"{expired} import(s) left unconfirmed for a day were cancelled")
        import uvicorn

        self.stdout.write(f"Leitai at http://{host}:{port} ({workers} worker(s)); Ctrl+C stops it.")
        self.stdout.flush()
        uvicorn.run(
            "leitai.asgi:application",
            host=host,
            port=port,
            workers=workers,
            lifespan="on",
            log_level=options["log_level"],
            proxy_headers=True,
            forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            timeout_graceful_shutdown=5,
            ws_ping_interval=20,
            ws_ping_timeout=20,
            # Compressing each frame once per client costs more CPU at a thousand screens than
            # the bandwidth it saves on a venue's network (our frames are a few kilobytes).
            ws_per_message_deflate=False,
        )

    def _print_lan(self, public: str) -> None:
        import io

        import qrcode

        self.stdout.write(f"Phones on this network: {public}")
        code = qrcode.QRCode(border=1)
        code.add_data(public)
        code.make(fit=True)
        drawing = io.StringIO()
        code.print_ascii(out=drawing, invert=True)
        self.stdout.write(drawing.getvalue())
