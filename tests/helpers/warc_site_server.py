#!/usr/bin/env python3
"""warc_site_server.py - a small news site on 127.0.0.1 for make_warc.sh.

Writes the site's pages into --root, then serves them with Python's
http.server (the same server as `python3 -m http.server`), with a few
responses shaped by hand so that a crawl of it holds every case the WARC
reader must handle:

  /index.html            UTF-8, links to everything below (HTTP/1.0)
  /news/zurich.html      UTF-8 article with non-ASCII text
  /news/latin1.html      ISO-8859-1 bytes, charset only in the HTTP header
  /news/chunked.html     HTTP/1.1, Transfer-Encoding: chunked + Content-Encoding: gzip
  /news/section/deep.htm a nested page with the .htm suffix
  /style.css, /logo.png  non-HTML responses
  /old.html              301 redirect to /news/zurich.html
  /missing.html          404 (not in root)

The port is chosen by the kernel (port 0) and written to --port-file once
the server listens, so parallel test runs never collide.
"""
import argparse
import gzip
import http.server
import os
import socketserver
import sys

PAGES = {
    "index.html": (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>The Loopback Ledger</title><link rel=\"stylesheet\" href=\"/style.css\"></head>\n"
        "<body><h1>The Loopback Ledger</h1>\n<ul>\n"
        "<li><a href=\"/news/zurich.html\">Zurich council votes on trams</a></li>\n"
        "<li><a href=\"/news/latin1.html\">Caf\u00e9 owners protest</a></li>\n"
        "<li><a href=\"/news/chunked.html\">Harbour reopens</a></li>\n"
        "<li><a href=\"/news/section/deep.htm\">Deep section</a></li>\n"
        "<li><a href=\"/old.html\">Old link</a></li>\n"
        "<li><a href=\"/missing.html\">Gone</a></li>\n"
        "</ul><img src=\"/logo.png\" alt=\"logo\"></body></html>\n"
    ).encode("utf-8"),
    "news/zurich.html": (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        "<title>Z\u00fcrich council votes on trams</title></head>\n<body><article>\n"
        "<h1>Z\u00fcrich council votes on trams</h1>\n"
        "<p>The city council of Z\u00fcrich voted on Tuesday to extend the tram network "
        "to the northern districts \u2014 a na\u00efve plan, its critics said.</p>\n"
        "<p>Construction is due to start next spring and to last two years.</p>\n"
        "</article><a href=\"/index.html\">Home</a></body></html>\n"
    ).encode("utf-8"),
    "news/latin1.html": (
        "<html><head><title>Caf\u00e9 owners protest</title></head>\n<body>\n"
        "<p>Caf\u00e9 owners in the old town protested on Monday against the new "
        "terrace fees, which they called \u00abruinous\u00bb.</p>\n"
        "<p>The mayor's office said the fees would be reviewed in the autumn.</p>\n"
        "</body></html>\n"
    ).encode("iso-8859-1"),
    "news/chunked.html": (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Harbour reopens</title>"
        "</head>\n<body><article><h1>Harbour reopens</h1>\n"
        + "".join("<p>Paragraph %d: the harbour reopened to ferries after the storm, "
                  "and the first boats left at dawn.</p>\n" % i for i in range(40))
        + "</article></body></html>\n"
    ).encode("utf-8"),
    "news/section/deep.htm": (
        "<html><head><title>Deep section</title></head><body>"
        "<p>A page three levels down, with the .htm suffix.</p>"
        "<a href=\"/index.html\">Home</a></body></html>\n"
    ).encode("utf-8"),
    "style.css": b"body { font-family: serif; }\n",
    # a 1x1 PNG
    "logo.png": bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"),
}


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):  # keep test output clean
        pass

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/old.html":
            self.send_response(301)
            self.send_header("Location", "/news/zurich.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/news/latin1.html":
            body = PAGES["news/latin1.html"]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=iso-8859-1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if path == "/news/chunked.html":
            body = gzip.compress(PAGES["news/chunked.html"], mtime=0)
            self.protocol_version = "HTTP/1.1"
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for i in range(0, len(body), 300):
                part = body[i:i + 300]
                self.wfile.write(b"%x\r\n" % len(part) + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        super().do_GET()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    for name, data in PAGES.items():
        full = os.path.join(args.root, name)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
    os.chdir(args.root)
    socketserver.TCPServer.allow_reuse_address = True
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler) as srv:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(srv.server_address[1]))
        os.rename(tmp, args.port_file)
        srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
