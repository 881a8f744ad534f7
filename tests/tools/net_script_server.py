#!/usr/bin/env python3
"""net_script_server.py MODE PORTFILE RECORDFILE: a scripted line server
on 127.0.0.1 (an ephemeral port, written to PORTFILE) for the connection
tests.  It serves one connection, writes every byte it received to
RECORDFILE, and exits.

Modes:
  record   greets "* OK no STARTTLS here", answers each line with "+ ok"
           (a server that never offers STARTTLS)
  silent   accepts and never sends a byte
  inject   greets; answers STARTTLS with "OK begin TLS" and, in the same
           packet, a plaintext line (a STARTTLS injection)
  cut      sends "* partial" with no line end, then closes
"""
import socket
import sys


def serve(mode, conn, record):
    if mode == "silent":
        while True:
            data = conn.recv(4096)
            if not data:
                return
            record.write(data)
    if mode == "cut":
        conn.sendall(b"* partial")
        return
    conn.sendall(b"* OK no STARTTLS here\r\n")
    buf = b""
    while True:
        data = conn.recv(4096)
        if not data:
            return
        record.write(data)
        record.flush()
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if mode == "inject" and line.strip() == b"STARTTLS":
                conn.sendall(b"OK begin TLS\r\nEVIL injected\r\n")
            else:
                conn.sendall(b"+ ok\r\n")


def main():
    mode, portfile, recordfile = sys.argv[1:4]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(60)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % listener.getsockname()[1])
    import os
    os.rename(portfile + ".tmp", portfile)
    conn, _ = listener.accept()
    conn.settimeout(60)
    with open(recordfile, "wb") as record:
        try:
            serve(mode, conn, record)
        except (ConnectionError, socket.timeout):
            pass
    conn.close()


if __name__ == "__main__":
    main()
