"""``sweep --backend ray --address`` at things that are no Ray head: a silent listener (once
a hang), one that hangs up, a dead port. Each is refused with one line before ``ray.init``
runs, so no Ray process starts (Ray itself is tested under the ``ray`` marker, tests/ray).
The probe is the HTTP/2 preface a gRPC server answers: a real gRPC server passes it."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from torchplay.engine.sweeps import raycluster

from tests.cli.test_bad_input import assert_refused


@pytest.fixture
def listener():
    """A socket that accepts connections (the kernel does) and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    yield sock
    sock.close()


@pytest.fixture
def hangs_up():
    """A socket that accepts each connection and closes it at once."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    done = threading.Event()

    def serve() -> None:
        sock.settimeout(0.2)
        while not done.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock
    done.set()
    thread.join(timeout=5)
    sock.close()


def test_a_silent_listener_times_out(listener, monkeypatch) -> None:
    monkeypatch.setenv("TORCHPLAY_RAY_CONNECT_TIMEOUT", "0.5")
    address = f"127.0.0.1:{listener.getsockname()[1]}"
    start = time.monotonic()
    with pytest.raises(raycluster.ClusterError) as refused:
        raycluster.check_reachable(address)
    assert time.monotonic() - start < 5
    assert str(refused.value) == (
        f"--address {address}: something listens there but did not answer in 0.5 s; is it a "
        f"Ray head (`ray start --head --port={listener.getsockname()[1]}`)?"
    )


def test_the_default_timeout_is_15_s(monkeypatch) -> None:
    monkeypatch.delenv("TORCHPLAY_RAY_CONNECT_TIMEOUT", raising=False)
    assert raycluster.connect_timeout() == 15.0
    for bad in ("0", "-1", "abc", "nan", "1e9"):
        monkeypatch.setenv("TORCHPLAY_RAY_CONNECT_TIMEOUT", bad)
        assert raycluster.connect_timeout() == 15.0


def test_a_listener_that_hangs_up_is_refused(hangs_up) -> None:
    address = f"127.0.0.1:{hangs_up.getsockname()[1]}"
    with pytest.raises(raycluster.ClusterError, match="closed the connection|no Ray cluster"):
        raycluster.check_reachable(address)


def test_a_grpc_server_passes_the_probe() -> None:
    grpc = pytest.importorskip("grpc")
    from concurrent import futures

    server = grpc.server(futures.ThreadPoolExecutor(1))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        assert raycluster.check_reachable(f"127.0.0.1:{port}") == ("127.0.0.1", port)
    finally:
        server.stop(None)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["silent", "dead"])
@pytest.mark.slow
def test_the_command_line_refuses_with_one_line(cli, listener, monkeypatch, tmp_path, kind):
    pytest.importorskip("ray.tune")
    monkeypatch.setenv("TORCHPLAY_RAY_CONNECT_TIMEOUT", "0.5")
    port = listener.getsockname()[1]
    if kind == "dead":
        listener.close()  # nothing listens there now
    args = ["sweep", "--backend", "ray", "--address", f"127.0.0.1:{port}"]
    code, out, err = cli(*args, "--grid", "training.lr=0.1", "--out", str(tmp_path / "o"))
    needle = "did not answer in 0.5 s" if kind == "silent" else "no Ray cluster answers there"
    assert_refused(code, out, err, needle, {})
    assert not (tmp_path / "o").exists()
