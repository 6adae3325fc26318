#!/usr/bin/env python3
# A FAKE, for tests only: an HTTP proxy in front of the real S3 API server (moto_server) that
# injects the faults a real server cannot be made to produce on demand: a 500 to a part upload,
# a connection dropped halfway through a part, a byte of a part's body flipped on the way, a
# part trickling in slowly. Everything else is passed through unchanged (the Host header too, so
# SigV4 signatures still verify upstream). Python stdlib only; runs in the hivekeeper-offsite
# image:  python3 s3_fault_proxy.py --listen 8000 --upstream moto:5000
#
# The fault is chosen by a marker in the object's key, and applies to UploadPart number 2:
#   fault-500-once     500 InternalError to the first try        fault-500-always   to every try
#   fault-drop-once    closes the connection after half the body  (first try)
#   fault-corrupt-once flips one byte of the body, then forwards  (first try)
#   fault-corrupt-always   flips one byte on every try
#   slow               every part's body is read at 1 MiB/s
# and a listing (ListObjectsV2) whose prefix holds "listing-held" is answered after 1 s, so that
# listings a client sends close together are in flight at the same time.
# --fault MARKER=TEXT (repeatable) gives keys holding TEXT the fault of MARKER as well, for a
# test that cannot choose a key (one artifact of a backup set: --fault fault-500-always=_media_).
# --true-initiated: moto 5.1.1 reports every multipart upload as initiated 2010-11-10T20:48:33Z;
# with this the proxy puts the time it saw the upload created into ListMultipartUploads replies,
# as S3 does, for tests of a rule on an upload's age.
# GET /__events lists what was done, one line each: "<key> part <n> try <k>: <what>".
import argparse
import datetime
import http.client
import http.server
import re
import socket
import sys
import threading
import time
import urllib.parse

EVENTS = []
TRIES = {}
LOCK = threading.Lock()
SLOW_BYTES_PER_SECOND = 1024 * 1024
SLOW_LIST_SECONDS = 1.0
FAULT_MARKERS = ("fault-500-once", "fault-500-always", "fault-drop-once", "fault-corrupt-once",
                 "fault-corrupt-always")


def record(line):
    with LOCK:
        EVENTS.append(line)
    print(line, flush=True)


class FaultProxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None
    keyed_faults = []  # (marker, text) from --fault
    true_initiated = False
    initiated = {}  # UploadId -> when the proxy saw CreateMultipartUpload answered

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/__events":
            with LOCK:
                body = ("\n".join(EVENTS) + "\n").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.forward()

    do_PUT = do_POST = do_DELETE = do_HEAD = lambda self: self.forward()

    def read_body(self, slow):
        length = int(self.headers.get("Content-Length", "0"))
        if not slow:
            return self.rfile.read(length)
        chunks, left = [], length
        while left > 0:
            chunk = self.rfile.read(min(left, SLOW_BYTES_PER_SECOND // 10))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
            time.sleep(0.1)
        return b"".join(chunks) if left == 0 else None

    def forward(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        part = query.get("partNumber", [None])[0]
        key = urllib.parse.unquote(url.path)
        is_part = self.command == "PUT" and part is not None and "uploadId" in query
        listed = query.get("prefix", [""])[0]
        if self.command == "GET" and "list-type" in query and "listing-held" in listed:
            record(f"listing of {listed}: held for {SLOW_LIST_SECONDS} s")
            time.sleep(SLOW_LIST_SECONDS)
        fault = None
        if is_part and part == "2":
            for marker in FAULT_MARKERS:
                if marker in key:
                    fault = marker
            for marker, text in self.keyed_faults:
                if text in key:
                    fault = marker
        attempt = 0
        if is_part:
            with LOCK:
                TRIES[(key, part)] = attempt = TRIES.get((key, part), 0) + 1
        where = f"{key} part {part} try {attempt}"
        if fault == "fault-drop-once" and attempt == 1:
            self.rfile.read(int(self.headers.get("Content-Length", "0")) // 2)
            record(f"{where}: dropped the connection halfway through the body")
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        body = self.read_body(is_part and "slow" in key)
        if body is None:
            record(f"{where}: the client went away mid-body; nothing forwarded")
            self.close_connection = True
            return
        if fault == "fault-500-always" or (fault == "fault-500-once" and attempt == 1):
            record(f"{where}: answered 500 InternalError")
            self.answer(500, {"Content-Type": "application/xml"},
                        b"<Error><Code>InternalError</Code><Message>injected by the fault proxy"
                        b"</Message></Error>")
            return
        corrupted = fault == "fault-corrupt-always" or (fault == "fault-corrupt-once" and attempt == 1)
        if corrupted and body:
            middle = len(body) // 2
            body = body[:middle] + bytes([body[middle] ^ 0x01]) + body[middle + 1:]
        status, headers, reply = self.ask_upstream(body)
        if self.true_initiated and "uploads" in query and status == 200:
            reply = self.with_true_initiated(reply)
        if corrupted:
            record(f"{where}: flipped byte {len(body) // 2} of {len(body)}; upstream answered {status}")
        elif is_part:
            record(f"{where}: passed through; upstream answered {status}")
        self.answer(status, headers, reply)

    def with_true_initiated(self, reply):
        if self.command == "POST":  # CreateMultipartUpload
            found = re.search(rb"<UploadId>([^<]+)</UploadId>", reply)
            if found:
                now = datetime.datetime.now(datetime.timezone.utc)
                with LOCK:
                    self.initiated[found.group(1)] = now.strftime("%Y-%m-%dT%H:%M:%S.000Z").encode()
            return reply

        def one_upload(upload):  # ListMultipartUploads: each <Upload> gets its own time
            upload_id = re.search(rb"<UploadId>([^<]+)</UploadId>", upload.group(0))
            with LOCK:
                when = self.initiated.get(upload_id.group(1)) if upload_id else None
            if when is None:
                return upload.group(0)
            return re.sub(rb"<Initiated>[^<]*</Initiated>", b"<Initiated>" + when + b"</Initiated>",
                          upload.group(0))
        return re.sub(rb"<Upload>.*?</Upload>", one_upload, reply, flags=re.S)

    def ask_upstream(self, body):
        connection = http.client.HTTPConnection(self.upstream, timeout=120)
        connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            if name.lower() not in ("connection", "expect", "content-length"):
                connection.putheader(name, value)
        if self.command not in ("GET", "HEAD", "DELETE") or body:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        reply = response.read()
        headers = {name: value for name, value in response.getheaders()
                   if name.lower() not in ("transfer-encoding", "connection", "content-length")}
        if self.command == "HEAD":
            headers["Content-Length"] = response.getheader("Content-Length", "0")
        connection.close()
        return response.status, headers, reply

    def answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if self.command != "HEAD":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", type=int, default=8000)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--fault", action="append", default=[], metavar="MARKER=TEXT")
    parser.add_argument("--true-initiated", action="store_true")
    options = parser.parse_args()
    FaultProxy.upstream = options.upstream
    FaultProxy.true_initiated = options.true_initiated
    for rule in options.fault:
        marker, _, text = rule.partition("=")
        if marker not in FAULT_MARKERS or not text:
            parser.error(f"--fault {rule}: expected MARKER=TEXT, MARKER one of {FAULT_MARKERS}")
        FaultProxy.keyed_faults.append((marker, text))
    server = http.server.ThreadingHTTPServer(("0.0.0.0", options.listen), FaultProxy)
    print(f"fault proxy on :{options.listen} in front of {options.upstream}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
