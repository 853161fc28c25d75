#!/usr/bin/python3
"""A loopback HTTP server that misbehaves on request, for the model-download tests.

    /usr/bin/python3 tests/models/http-server.py ROOT PORT_FILE LOG_FILE

Serves the files in ROOT on 127.0.0.1 (a free port, written to PORT_FILE once
listening) and appends one JSON line per request to LOG_FILE:
{"path": "/files/vqa.pt", "range": "bytes=1000-" or null, "method": "GET"}. The first
path segment says how to behave:

    /files/F             F, honouring "Range: bytes=N-" with 206 and Content-Range
    /cut-once/F          the first request without Range gets the full Content-Length
                         but only half the body, then the connection closes; later
                         requests behave as /files/F
    /stall/F             headers and 64 KiB of F, then silence (until the client leaves)
    /stall-headers/F     reads the request and never answers
    /slow/F              F in 64 KiB pieces, 0.2 s apart (for cancelling mid-way)
    /slow-range/F        as /slow/F, but honouring "Range: bytes=N-" (for pausing and resuming)
    /404/F               404 Not Found
    /redirect/N/F        302 to /redirect/N-1/F ... /files/F
    /redirect-loop/F     302 to itself
    /redirect-remote/F   302 to plain http on a remote host (must be refused)
    /chunked/F           F with chunked transfer encoding: no size announced, no Range
    /no-range/F          F, always 200 and whole, whatever Range asks
    /no-head/F           as /files/F, but HEAD is refused (405): sizes come from a Range request

HEAD (how big is F?) answers at once with F's Content-Length in every mode but 404,
redirect*, chunked (no length) and no-head (405).

As a proxy (https_proxy=http://127.0.0.1:PORT) it logs the CONNECT and refuses it
with 502, which proves that the client went through the proxy.
"""
import http.server
import json
import os
import sys
import threading
import time

ROOT, PORT_FILE, LOG_FILE = sys.argv[1:4]
LOG_LOCK = threading.Lock()
CUT_DONE = set()
PIECE = 64 * 1024


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # the JSON log is enough
        pass

    def log_request_line(self):
        with LOG_LOCK, open(LOG_FILE, "a") as log:
            log.write(json.dumps({"path": self.path, "range": self.headers.get("Range"),
                                  "method": self.command}) + "\n")

    def file_bytes(self, name):
        path = os.path.join(ROOT, os.path.basename(name))
        if not os.path.isfile(path):
            return None
        with open(path, "rb") as f:
            return f.read()

    def start(self, status, headers):
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def send_whole_or_range(self, data, honour_range=True, pause=0.0):
        first = 0
        wanted = self.headers.get("Range")
        if honour_range and wanted and wanted.startswith("bytes=") and wanted.endswith("-"):
            first = int(wanted[6:-1])
            if first >= len(data):
                self.start(416, [("Content-Range", f"bytes */{len(data)}"), ("Content-Length", "0")])
                return
            self.start(206, [("Content-Range", f"bytes {first}-{len(data) - 1}/{len(data)}"),
                             ("Content-Length", str(len(data) - first))])
        else:
            self.start(200, [("Content-Length", str(len(data)))])
        if not pause:
            self.wfile.write(data[first:])
            return
        for i in range(first, len(data), PIECE):
            self.wfile.write(data[i:i + PIECE])
            self.wfile.flush()
            time.sleep(pause)

    def redirect(self, location):
        self.start(302, [("Location", location), ("Content-Length", "0")])

    def do_CONNECT(self):
        self.log_request_line()
        self.start(502, [("Content-Length", "0")])

    def do_HEAD(self):
        self.log_request_line()
        parts = self.path.lstrip("/").split("/")
        mode, name = parts[0], parts[-1]
        data = self.file_bytes(name)
        if mode == "redirect":
            hops = int(parts[1])
            self.redirect(f"/redirect/{hops - 1}/{name}" if hops > 1 else f"/files/{name}")
        elif mode == "redirect-loop":
            self.redirect(self.path)
        elif mode == "redirect-remote":
            self.redirect(f"http://example.invalid/{name}")
        elif mode == "no-head":
            self.start(405, [("Content-Length", "0")])
        elif mode == "404" or data is None:
            self.start(404, [("Content-Length", "0")])
        elif mode == "chunked":
            self.start(200, [("Transfer-Encoding", "chunked")])
        else:
            self.start(200, [("Content-Length", str(len(data)))])

    def do_GET(self):
        self.log_request_line()
        parts = self.path.lstrip("/").split("/")
        mode, name = parts[0], parts[-1]
        if mode == "404":
            body = b"not here\n"
            self.start(404, [("Content-Length", str(len(body)))])
            self.wfile.write(body)
            return
        if mode == "redirect":
            hops = int(parts[1])
            self.redirect(f"/redirect/{hops - 1}/{name}" if hops > 1 else f"/files/{name}")
            return
        if mode == "redirect-loop":
            self.redirect(self.path)
            return
        if mode == "redirect-remote":
            self.redirect(f"http://example.invalid/{name}")
            return
        if mode == "stall-headers":
            time.sleep(60)
            return
        data = self.file_bytes(name)
        if data is None:
            self.start(404, [("Content-Length", "0")])
            return
        if mode in ("files", "no-head"):
            self.send_whole_or_range(data)
        elif mode == "no-range":
            self.send_whole_or_range(data, honour_range=False)
        elif mode == "slow-range":
            self.send_whole_or_range(data, pause=0.2)
        elif mode == "cut-once":
            if self.path in CUT_DONE or self.headers.get("Range"):
                self.send_whole_or_range(data)
                return
            CUT_DONE.add(self.path)
            self.start(200, [("Content-Length", str(len(data)))])
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
        elif mode == "stall":
            self.start(200, [("Content-Length", str(len(data)))])
            self.wfile.write(data[:PIECE])
            self.wfile.flush()
            time.sleep(60)
        elif mode == "slow":
            self.start(200, [("Content-Length", str(len(data)))])
            for i in range(0, len(data), PIECE):
                self.wfile.write(data[i:i + PIECE])
                self.wfile.flush()
                time.sleep(0.2)
        elif mode == "chunked":
            self.start(200, [("Transfer-Encoding", "chunked")])
            for i in range(0, len(data), PIECE):
                piece = data[i:i + PIECE]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.start(400, [("Content-Length", "0")])


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = PORT_FILE + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, PORT_FILE)  # readers never see a half-written port
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
