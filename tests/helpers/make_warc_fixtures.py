#!/usr/bin/env python3
"""make_warc_fixtures.py - write the dump reader's hand-made fixtures.

Usage: make_warc_fixtures.py DATA_DIR   (normally tests/data/dump)

DATA_DIR must already hold site.warc.gz and site.warc, written by a real
`wget --warc-file` run (tests/helpers/make_warc.sh); two fixtures are cut
or recompressed from them. Everything else is built here byte by byte, so
each malformation is exactly the one named, and the output is the same on
every run (fixed dates, ids and gzip mtimes). The files are committed;
this script documents how they were made and remakes them.

Fixtures (the unit tests assert the exact counts and offsets):
  site-one-member.warc.gz  site.warc compressed as ONE gzip member
  truncated.warc.gz        site.warc.gz cut inside the member of its 5th HTML record
  bad_length.warc          Content-Length non-numeric / too small / too large
  bad_length_eof.warc      Content-Length running past the next record to the end
  missing_fields.warc      no Content-Length; no WARC-Type
  garbage.warc             junk before, between and after records
  codings.warc             (expected payloads in codings/NAME.html) chunked+gzip, folded headers, deflate (zlib and raw), br,
                           sniffed type, lying gzip, concatenated x-gzip, HTTP/1.0, <uri>
  bomb.warc.gz             a gzip payload inflating to 70 MiB (over the 64 MiB cap)
  nonhtml.warc             every kind of record that is skipped, then one page
  corrupt_member.warc.gz   per-record gzip: an invalid deflate block, a bad CRC, trailing junk
  good.jsonl(.gz)          JSONL with every field form, BOM, CRLF, blank lines
  bad.jsonl                malformed, non-object, no body, invalid UTF-8, \\u0000, long line
  truncated.jsonl.gz       good.jsonl.gz cut short
  tree/                    a directory of pages (symlinks, FIFOs and unreadable files
                           are made by the tests at run time, not committed)
"""
import gzip
import os
import re
import subprocess
import sys
import zlib

DATE = "2024-03-01T12:00:00Z"
_ids = [0]


def page(name, extra=""):
    return ("<!DOCTYPE html>\n<html><head><title>%s</title></head><body><article>"
            "<h1>%s</h1><p>This is the page called %s.%s</p></article></body></html>\n"
            % (name, name, name, extra)).encode("utf-8")


def http(status, headers, body, version="HTTP/1.1", reason=None):
    reason = reason or {200: "OK", 301: "Moved Permanently", 304: "Not Modified",
                        404: "Not Found"}.get(status, "Whatever")
    head = "%s %d %s\r\n" % (version, status, reason)
    for h in headers:
        head += h + "\r\n"
    return head.encode("latin-1") + b"\r\n" + body


def record(wtype, uri, block, clen=None, ctype="application/http; msgtype=response",
           angle=False, version="1.0", omit=()):
    _ids[0] += 1
    lines = ["WARC/%s" % version]
    if "type" not in omit:
        lines.append("WARC-Type: %s" % wtype)
    lines.append("WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-%012d>" % _ids[0])
    lines.append("WARC-Date: %s" % DATE)
    if uri:
        lines.append("WARC-Target-URI: %s" % ("<%s>" % uri if angle else uri))
    if ctype:
        lines.append("Content-Type: %s" % ctype)
    if "length" not in omit:
        lines.append("Content-Length: %s" % (len(block) if clen is None else clen))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + block + b"\r\n\r\n"


def ok(name, **kw):
    body = page(name)
    return record("response", "http://example.test/%s" % name,
                  http(200, ["Content-Type: text/html; charset=utf-8",
                             "Content-Length: %d" % len(body)], body), **kw)


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def members(data):
    """Offsets of the gzip members of data (by inflating them one by one)."""
    offs, pos = [], 0
    while pos < len(data):
        offs.append(pos)
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        d.decompress(data[pos:])
        pos = len(data) - len(d.unused_data)
    return offs


def chunk(data, size, ext=False):
    out = b""
    for i in range(0, len(data), size):
        part = data[i:i + size]
        out += b"%x%s\r\n" % (len(part), b";name=value" if ext else b"") + part + b"\r\n"
    return out + b"0\r\nX-Trailer: yes\r\n\r\n"


def brotli(data):
    return subprocess.run(["brotli", "-c", "-q", "9"], input=data, check=True,
                          stdout=subprocess.PIPE).stdout


def main():
    out = sys.argv[1]
    site_gz = open(os.path.join(out, "site.warc.gz"), "rb").read()
    site = open(os.path.join(out, "site.warc"), "rb").read()

    write(os.path.join(out, "site-one-member.warc.gz"), gz(site))

    # cut inside the member that holds the 5th HTML response (deep.htm)
    offs = members(site_gz)
    plain = [gzip.decompress(site_gz[a:b]) for a, b in zip(offs, offs[1:] + [len(site_gz)])]
    html_members = [i for i, m in enumerate(plain)
                    if b"WARC-Type: response" in m and re.search(rb"\r\n\r\nHTTP/1\.[01] 200", m)
                    and re.search(rb"(?i)\r\ncontent-type: text/html", m)]
    fifth = html_members[4]
    cut = offs[fifth] + (offs[fifth + 1] - offs[fifth]) // 2
    write(os.path.join(out, "truncated.warc.gz"), site_gz[:cut])

    # bad lengths: abc; too small by 10; too large by 50 (runs into the next record)
    r_small = ok("short")
    b_small = http(200, ["Content-Type: text/html"], page("short"))
    r_large = http(200, ["Content-Type: text/html"], page("long"))
    write(os.path.join(out, "bad_length.warc"),
          ok("a") +
          record("response", "http://example.test/bad-abc", http(200, ["Content-Type: text/html"],
                 page("abc")), clen="abc") +
          ok("b") +
          record("response", "http://example.test/bad-short", b_small, clen=len(b_small) - 10) +
          ok("c") +
          record("response", "http://example.test/bad-long", r_large, clen=len(r_large) + 50) +
          ok("d"))
    del r_small

    b_eof = http(200, ["Content-Type: text/html"], page("eof"))
    write(os.path.join(out, "bad_length_eof.warc"),
          ok("first") +
          record("response", "http://example.test/bad-eof", b_eof, clen=len(b_eof) + 100000) +
          ok("last"))

    write(os.path.join(out, "missing_fields.warc"),
          record("response", "http://example.test/no-length", http(200, ["Content-Type: text/html"],
                 page("nolen")), omit=("length",)) +
          ok("m1") +
          record("response", "http://example.test/no-type", http(200, ["Content-Type: text/html"],
                 page("notype")), omit=("type",)) +
          ok("m2"))

    write(os.path.join(out, "garbage.warc"),
          b"LEADING JUNK\r\n" + ok("g1") + b"some garbage between records\r\nmore of it\n" +
          ok("g2") + bytes(range(1, 200)) + b"\n" + ok("g3") + b"TRAILING JUNK")

    # content and transfer codings
    p = {n: page(n, " " + "Filler text for compression. " * 30) for n in
         ["chunkgz", "folded", "zlib", "rawdeflate", "brotli", "sniffed", "liar", "twomembers",
          "http10", "angle", "chunkonly"]}
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    rawdef = raw.compress(p["rawdeflate"]) + raw.flush()
    half = len(p["twomembers"]) // 2
    write(os.path.join(out, "codings.warc"),
          record("response", "http://example.test/chunkgz",
                 http(200, ["Content-Type: text/html; charset=utf-8", "Content-Encoding: gzip",
                            "Transfer-Encoding: chunked"], chunk(gz(p["chunkgz"]), 100, ext=True))) +
          record("response", "http://example.test/folded",
                 http(200, ["Content-Type: text/html;", "\tcharset=windows-1252",
                            "X-Folded: one", " two"], p["folded"])) +
          record("response", "http://example.test/zlib",
                 http(200, ["Content-Type: text/html", "Content-Encoding: deflate"],
                      zlib.compress(p["zlib"], 9))) +
          record("response", "http://example.test/rawdeflate",
                 http(200, ["Content-Type: text/html", "Content-Encoding: deflate"], rawdef)) +
          record("response", "http://example.test/brotli",
                 http(200, ["Content-Type: text/html", "Content-Encoding: br"], brotli(p["brotli"]))) +
          record("response", "http://example.test/sniffed", http(200, [], p["sniffed"])) +
          record("response", "http://example.test/liar",
                 http(200, ["Content-Type: text/html", "Content-Encoding: gzip"], p["liar"])) +
          record("response", "http://example.test/twomembers",
                 http(200, ["Content-Type: text/html", "Content-Encoding: x-gzip"],
                      gz(p["twomembers"][:half]) + gz(p["twomembers"][half:]))) +
          record("response", "http://example.test/http10",
                 http(200, ["content-type: TEXT/HTML; Charset=\"ISO-8859-1\""], p["http10"],
                      version="HTTP/1.0")) +
          record("response", "http://example.test/angle",
                 http(200, ["Content-Type: application/xhtml+xml"], p["angle"]), angle=True,
                 version="1.1") +
          record("response", "http://example.test/chunkonly",
                 http(200, ["Content-Type: text/html", "Transfer-Encoding: chunked"],
                      chunk(p["chunkonly"], 7))))
    os.makedirs(os.path.join(out, "codings"), exist_ok=True)
    for n, body in p.items():  # the payloads as they must come out, to compare with
        write(os.path.join(out, "codings", "%s.html" % n), body)

    # a gzip bomb: 70 MiB of zeros behind Content-Encoding: gzip, each record its own member
    bomb = gz(b"\0" * (70 << 20))
    write(os.path.join(out, "bomb.warc.gz"),
          gz(record("response", "http://example.test/bomb",
                    http(200, ["Content-Type: text/html", "Content-Encoding: gzip"], bomb))) +
          gz(ok("after-bomb")))

    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
    write(os.path.join(out, "nonhtml.warc"),
          record("warcinfo", None, b"software: hand\r\n", ctype="application/warc-fields") +
          record("request", "http://example.test/x",
                 b"GET /x HTTP/1.1\r\nHost: example.test\r\n\r\n",
                 ctype="application/http; msgtype=request") +
          record("response", "http://example.test/404",
                 http(404, ["Content-Type: text/html"], page("notfound"))) +
          record("response", "http://example.test/301",
                 http(301, ["Location: /x", "Content-Type: text/html"], page("moved"))) +
          record("response", "http://example.test/304", http(304, [], b"")) +
          record("response", "http://example.test/png", http(200, ["Content-Type: image/png"], png)) +
          record("response", "http://example.test/txt",
                 http(200, ["Content-Type: text/plain"], b"plain text\n")) +
          record("response", "http://example.test/json",
                 http(200, ["Content-Type: application/json"], b"{}")) +
          record("response", "http://example.test/unknown", http(200, [], b"\x00\x01binary")) +
          record("metadata", "http://example.test/x", b"outlink: http://example.test/y\r\n",
                 ctype="application/warc-fields") +
          record("revisit", "http://example.test/x", b"",
                 ctype="application/http; msgtype=response") +
          record("resource", "http://example.test/r.html", page("resource"), ctype="text/html") +
          record("response", "dns:example.test", b"20240301120000\nexample.test. 300 IN A 127.0.0.1\n",
                 ctype="text/dns") +
          record("response", "http://example.test/empty", b"") +
          ok("the-page"))

    # per-record gzip with damage: member 2 has an invalid deflate block type,
    # member 3 a wrong CRC, and junk follows the last member
    m = [gz(ok("c%d" % i)) for i in range(1, 5)]
    m2 = bytearray(m[1])
    m2[10] = 0x07  # first deflate byte: BFINAL=1, BTYPE=11 (reserved) -> invalid block type
    m3 = bytearray(m[2])
    m3[-8] ^= 0xFF  # CRC32 in the trailer
    write(os.path.join(out, "corrupt_member.warc.gz"),
          m[0] + bytes(m2) + bytes(m3) + m[3] + b"JUNK AFTER THE LAST MEMBER\n")

    # JSONL
    good = (b"\xef\xbb\xbf" +
            b'{"id": "a1", "html": "<p>First</p>", "url": "https://news.test/1", '
            b'"title": "One", "published": "2024-03-01T10:00:00Z"}\n'
            b'{"id": 42, "text": "Second as text", "published": 1700000000}\n'
            b'\n'
            b'   \n'
            b'{"html": "<p>html wins</p>", "text": "text loses", "id": 1.5}\r\n'
            b'{"html": "", "text": "empty html gives text", "url": 7, "title": ""}\n'
            b'{"text": "caf\\u00e9 \\ud83d\\ude00 unicode escapes", "published": "not a date"}\n'
            b'{"text": "last line without newline", "id": "z"}')
    write(os.path.join(out, "good.jsonl"), good)
    good_gz = gz(good)
    write(os.path.join(out, "good.jsonl.gz"), good_gz)
    write(os.path.join(out, "truncated.jsonl.gz"), good_gz[:len(good_gz) * 2 // 3])
    bad = (b'{"id": "ok1", "text": "fine"}\n'
           b'{"id": "broken", "text": "no end"\n'
           b'["an", "array"]\n'
           b'"a string"\n'
           b'{"id": "nobody", "title": "no html or text"}\n'
           b'{"id": "numhtml", "html": 5, "text": "text used when html is no string"}\n'
           b'{"id": "latin1", "text": "caf\xe9 cr\xe8me"}\n'
           b'\n'
           b'{"id": "nul", "html": "a\\u0000b"}\n'
           b'{"id": "long", "text": "' + b"x" * 5000 + b'"}\n'
           b'{"id": "ok2", "text": "after the long line"}\n')
    write(os.path.join(out, "bad.jsonl"), bad)

    # a directory of pages
    t = os.path.join(out, "tree")
    for rel, data in [
        ("index.html", page("index")),
        ("a/UPPER.HTML", page("upper")),
        ("a/b/deep.htm", page("deep")),
        ("a/page.xhtml", page("xhtml")),
        ("a/notes.txt", b"not a page\n"),
        ("img.png", png),
        ("junk.html", b"\x00\x01\x02\x03" * 300),
        ("empty.html", b""),
        ("z/last.html", page("last")),
        ("utf16.html", "\ufeff<html><body><p>UTF-16 page</p></body></html>".encode("utf-16-le")),
    ]:
        full = os.path.join(t, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        write(full, data)
        os.utime(full, (1700000000, 1700000000))


if __name__ == "__main__":
    main()
