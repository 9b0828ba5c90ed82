"""``torchplay serve``: the app in a browser tab, through textual-serve.

Each browser tab that opens the page gets its own app process (``torchplay tui SOURCE``),
whose terminal output travels over a websocket to xterm.js in the page. The server listens
on loopback by default: anyone who reaches the port can drive the app, train on this
machine and write files where the app saves, so a remote machine is reached through an SSH
tunnel rather than by listening on a public address.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
import sys

from torchplay.engine.run.errors import EXIT_OK, UserError


def add_arguments(p) -> None:
    """The ``serve`` subcommand's arguments."""
    p.add_argument(
        "source",
        nargs="?",
        default="regression",
        help="scenario, FILE.toml or checkpoint each tab opens (default: regression)",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (loopback: only this machine; tunnel over SSH)",
    )
    p.add_argument("--port", type=int, default=8000, help="the port to listen on")


def check_address(host: str, port: int) -> None:
    """Refuse a port out of range, an address this machine lacks, or a port in use.

    Raises:
        UserError: one line naming the value and what to do.
    """
    if not 1 <= port <= 65535:
        raise UserError(f"--port {port}: must be from 1 to 65535")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UserError(f"--host {host!r}: not an address of this machine") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except PermissionError:
            raise UserError(
                f"--port {port}: needs privileges on this machine; use a port above 1023"
            ) from None
        except OSError as exc:
            raise UserError(
                f"port {port} on {host} is not free ({exc.strerror}): choose another --port"
            ) from None


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_serve(args) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        raise UserError(
            "serve needs the textual-serve package: pip install 'torchplay[serve]'"
        ) from None
    from torchplay.tui.cli.preflight import check_files

    check_files(args.source, [])  # a bad SOURCE exits 2 here, not in each tab
    check_address(args.host, args.port)
    if not is_loopback(args.host):
        print(
            f"torchplay: warning: listening on {args.host}: whoever reaches port {args.port} "
            "can drive the app and train on this machine (prefer 127.0.0.1 and an SSH tunnel)",
            file=sys.stderr,
        )
    command = shlex.join([sys.executable, "-m", "torchplay.tui.cli.main", "tui", args.source])
    Server(command, host=args.host, port=args.port, title="torchplay").serve()
    return EXIT_OK
