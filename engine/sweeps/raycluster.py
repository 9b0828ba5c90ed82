"""Start or join a Ray cluster for ``--backend ray``, with Ray's output kept in a log file.

Ray is optional (``pip install 'torchplay[ray]'``) and imported only here and in
:mod:`torchplay.engine.sweeps.raysweep`, only when a Ray sweep runs. What this module owns:

- :func:`require_ray`: a clear install hint when Ray is missing;
- :func:`connect`: with no address, a local Ray sized to this machine's CPUs; with
  ``HOST:PORT``, join a running cluster (``ray start --head``) with Ray 2.60's token
  authentication. Authentication is never turned off here: a driver that joins needs
  ``RAY_AUTH_MODE=token`` (set when the user has not chosen a mode) and the token at Ray's
  default path ``~/.ray/auth_token``, or in ``RAY_AUTH_TOKEN`` / ``RAY_AUTH_TOKEN_PATH``;
- :class:`RayOutput`: file descriptors 1 and 2 go to a log file while Ray runs (its C++
  core and its Python loggers write there, not to the user's terminal); the front end
  writes through the streams it hands out.

Every failure the user can fix raises :class:`ClusterError` (an ``InputError``: exit 2)
within about 30 s, with one line that says what to do.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from torchplay.engine.run.errors import InputError

INSTALL_HINT = "pip install 'torchplay[ray]'"
DEFAULT_PORT = 6379
REACH_TIMEOUT_S = 5.0
"""Seconds to open a TCP connection to a Ray head."""
CONNECT_TIMEOUT_S = 15.0
"""Seconds a Ray head has to answer once connected (see :func:`check_reachable`)."""
H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])
"""An HTTP/2 client preface and an empty SETTINGS frame: a gRPC server answers it."""
TOKEN_HINT = "get it on the head node with `ray get-auth-token`"
LOCAL = "local"
"""The address the app's sweep screen takes for a Ray started on this machine."""
SCHEDULERS = ("none", "asha")
"""Tune schedulers a Ray sweep can use (``--scheduler``): none, or ASHA early stopping."""


class ClusterError(InputError):
    """Ray is missing, the address is wrong, or the cluster refused us; exit 2."""


def _ray_environment() -> None:
    """Settings Ray reads from the environment once, when it is first imported."""
    # Ray 2.60 clusters started with `ray start --head` next to a token require it, and a
    # driver sends it only in token mode (a new local Ray is in token mode by default too).
    # "disabled" stays the user's own explicit choice: torchplay never turns it off.
    os.environ.setdefault("RAY_AUTH_MODE", "token")
    # Ray's usage statistics would reach out to the internet from the driver: not ours to send.
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")


def require_ray() -> None:
    """Raise :class:`ClusterError` with the install command when Ray Tune is missing."""
    _ray_environment()
    try:
        import ray.tune  # noqa: F401  (Tune brings pandas and pyarrow: all must import)
    except ImportError as exc:
        raise ClusterError(
            f"--backend ray needs Ray Tune, which is not installed ({exc.name or exc}): "
            f"{INSTALL_HINT}"
        ) from None


def parse_address(address: str) -> tuple[str, int]:
    """``HOST:PORT`` (or ``HOST``, port 6379) -> (host, port); anything else is refused."""
    text = address.strip()
    if "://" in text or not text:
        raise ClusterError(
            f"--address {address!r}: give the head node's HOST:PORT "
            "(the address `ray start --head` printed), e.g. 10.0.0.5:6379"
        )
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = text, str(DEFAULT_PORT)
    if not port.isdigit() or not 0 < int(port) < 65536 or not host:
        raise ClusterError(f"--address {address!r}: the port must be a number 1-65535 (HOST:PORT)")
    host = host.strip("[]")
    _check_host(host, address)
    return host, int(port)


def _check_host(host: str, address: str) -> None:
    """Refuse a host name the resolver would choke on (the idna codec raises
    ``UnicodeError`` for an empty label, ``a..b``, or one over 63 characters)."""
    try:
        ipaddress.ip_address(host)
        return
    except ValueError:
        pass
    labels = host.removesuffix(".").split(".")
    bad = next((label for label in labels if not 1 <= len(label) <= 63), None)
    if bad is not None or len(host) > 253:
        what = "an empty label" if bad == "" else "a label over 63 characters"
        if bad is None:
            what = "over 253 characters"
        raise ClusterError(
            f"--address {address[:80]!r}: the host name has {what}; give the head node's "
            "HOST:PORT, e.g. 10.0.0.5:6379"
        )
    try:
        if any(not (c.isalnum() or c in "-._") for c in host):
            raise UnicodeError
        host.encode("idna")
    except UnicodeError:
        raise ClusterError(
            f"--address {address[:80]!r}: {host[:60]!r} is not a valid host name; give the "
            "head node's HOST:PORT, e.g. 10.0.0.5:6379"
        ) from None


def connect_timeout() -> float:
    """Seconds a Ray head has to answer (:data:`CONNECT_TIMEOUT_S`, or the environment's
    ``TORCHPLAY_RAY_CONNECT_TIMEOUT``: tests shorten it)."""
    try:
        value = float(os.environ.get("TORCHPLAY_RAY_CONNECT_TIMEOUT", CONNECT_TIMEOUT_S))
    except ValueError:
        return CONNECT_TIMEOUT_S
    return value if 0 < value < 3600 else CONNECT_TIMEOUT_S


def check_reachable(address: str, timeout: float = REACH_TIMEOUT_S) -> tuple[str, int]:
    """Fail fast when nothing listens at ``address`` (Ray itself retries for minutes), or
    when what listens never answers: Ray's head speaks gRPC, whose server answers a client's
    HTTP/2 preface with a SETTINGS frame; a silent listener would hang ``ray.init``
    forever, so it is refused after :func:`connect_timeout` seconds."""
    host, port = parse_address(address)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(connect_timeout())
            sock.sendall(H2_PREFACE)
            answer = sock.recv(9)
    except TimeoutError:
        raise ClusterError(
            f"--address {address}: something listens there but did not answer in "
            f"{connect_timeout():g} s; is it a Ray head (`ray start --head --port={port}`)?"
        ) from None
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ClusterError(
            f"--address {address}: no Ray cluster answers there ({reason}); start one with "
            f"`ray start --head --port={port}` on that machine, or fix the address"
        ) from None
    if not answer:
        raise ClusterError(
            f"--address {address}: the listener there closed the connection at once; is it "
            f"a Ray head (`ray start --head --port={port}`)?"
        )
    return host, port


def token_source(env: dict[str, str] | None = None) -> str | None:
    """Where Ray will read its auth token from, or None when there is none to read."""
    env = os.environ if env is None else env
    if env.get("RAY_AUTH_TOKEN"):
        return "RAY_AUTH_TOKEN"
    if env.get("RAY_AUTH_TOKEN_PATH"):
        path = Path(env["RAY_AUTH_TOKEN_PATH"]).expanduser()
        return f"RAY_AUTH_TOKEN_PATH ({path})" if path.is_file() else None
    default = Path("~/.ray/auth_token").expanduser()
    return str(default) if default.is_file() else None


@dataclass(frozen=True)
class Cluster:
    """The Ray this sweep runs on."""

    address: str
    """The cluster's GCS address (HOST:PORT)."""
    started: bool
    """True when this command started it (and so shuts it down); False when it joined."""
    nodes: int
    """Alive nodes."""
    workers: int
    """CPUs in the cluster: how many one-CPU trials run at once."""
    session_dir: str
    """Ray's session folder on this machine (its own logs are under ``logs/``)."""

    def describe(self) -> str:
        """The one line the user sees about Ray."""
        how = "started here" if self.started else "joined"
        nodes = f"{self.nodes} node" + ("s" if self.nodes != 1 else "")
        return f"Ray cluster {self.address} ({how}): {self.workers} workers on {nodes}"


def connect(address: str | None, log_path: str | os.PathLike) -> Cluster:
    """Start a local Ray (``address`` None) or join the cluster at ``address``.

    Call inside :class:`RayOutput`, so that what Ray prints lands in its log file.

    Raises:
        ClusterError: Ray missing, nothing at the address, no token, or a wrong token.
    """
    require_ray()
    if address is not None:
        check_reachable(address)
        if os.environ["RAY_AUTH_MODE"] == "token":
            if token_source() is None:
                raise ClusterError(
                    f"--address {address}: no Ray auth token here (~/.ray/auth_token, "
                    f"RAY_AUTH_TOKEN or RAY_AUTH_TOKEN_PATH); {TOKEN_HINT}"
                )
            if not token_accepted(address):
                raise _token_refused(address)
    import ray

    options = dict(include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        if address is None:
            # "local": a new Ray here, even when RAY_ADDRESS names another one.
            ctx = ray.init(address="local", num_cpus=os.cpu_count() or 1, **options)
        else:
            ctx = ray.init(address=address, **options)
    except (ConnectionError, RuntimeError) as exc:
        raise _join_error(address, exc, log_path) from None
    resources = ray.cluster_resources()
    return Cluster(
        address=ray.get_runtime_context().gcs_address,
        started=address is None,
        nodes=sum(1 for n in ray.nodes() if n.get("Alive")),
        workers=int(resources.get("CPU", 0)),
        session_dir=str(ctx.address_info.get("session_dir", "")),
    )


def token_accepted(address: str) -> bool:
    """False when the head at ``address`` refuses this driver's auth token.

    One cheap gRPC call (``GetClusterId``) with the token Ray would send, answered in
    under a second, where ``ray.init`` retries a refused token for about 25 s before it
    gives up. Anything but a refusal (another error, a Ray without these modules) counts
    as accepted: ``ray.init`` then has the last word.
    """
    try:
        import grpc
        from ray._private.authentication.grpc_authentication_client_interceptor import (
            _get_authentication_metadata_tuple,
        )
        from ray.core.generated import gcs_service_pb2, gcs_service_pb2_grpc
    except ImportError:
        return True
    with grpc.insecure_channel(address) as channel:
        stub = gcs_service_pb2_grpc.NodeInfoGcsServiceStub(channel)
        try:
            stub.GetClusterId(
                gcs_service_pb2.GetClusterIdRequest(),
                metadata=_get_authentication_metadata_tuple(),
                timeout=CONNECT_TIMEOUT_S,
            )
        except grpc.RpcError as exc:
            return exc.code() != grpc.StatusCode.UNAUTHENTICATED
    return True


def _token_refused(where: str) -> ClusterError:
    return ClusterError(
        f"--address {where}: the cluster refused the auth token from {token_source()}; "
        f"{TOKEN_HINT}, and put it in ~/.ray/auth_token or RAY_AUTH_TOKEN"
    )


def _join_error(address: str | None, exc: Exception, log_path) -> ClusterError:
    """Turn a failed ``ray.init`` into one line; Ray's reason is in the log it wrote."""
    where = address or "this machine"
    try:
        logged = Path(log_path).read_text(errors="replace")
    except OSError:
        logged = ""
    if "InvalidAuthToken" in logged or "Unauthenticated" in logged:
        return _token_refused(where)
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ClusterError(f"Ray at {where} failed to start or join: {first} (log: {log_path})")


def disconnect(cluster: Cluster | None = None) -> None:
    """Leave Ray. It stops a Ray this command started; a joined cluster keeps running."""
    ray = sys.modules.get("ray")
    if ray is not None and ray.is_initialized():
        ray.shutdown()


class RayOutput:
    """While open, file descriptors 1 and 2 write to ``path``; ``stdout`` and ``stderr``
    are streams to what they were before (the user's terminal)."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        if path is None:
            fd, path = tempfile.mkstemp(prefix="torchplay-ray-", suffix=".log")
            os.close(fd)
        self.path = str(path)
        self.stdout: IO[str] = sys.stdout
        self.stderr: IO[str] = sys.stderr
        self._saved: tuple[int, int] | None = None

    def __enter__(self) -> RayOutput:
        sys.stdout.flush()
        sys.stderr.flush()
        self._saved = (os.dup(1), os.dup(2))
        log = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        self.stdout = os.fdopen(os.dup(self._saved[0]), "w", buffering=1)
        self.stderr = os.fdopen(os.dup(self._saved[1]), "w", buffering=1)
        return self

    def __exit__(self, *exc_info) -> None:
        for stream in (sys.stdout, sys.stderr, self.stdout, self.stderr):
            stream.flush()
        assert self._saved is not None
        os.dup2(self._saved[0], 1)
        os.dup2(self._saved[1], 2)
        for fd in self._saved:
            os.close(fd)
        self.stdout.close()
        self.stderr.close()
        self.stdout, self.stderr = sys.stdout, sys.stderr
