#!/usr/bin/env python3
"""wrap_seeds.py SEEDDIR OUTDIR - wrap each seed text of SEEDDIR (one story as
an outlet showed it, debris lines included) in two realistic outlet pages, the
way two outlets republish one text, and write OUTDIR/<outlet>/<seed>.html plus
OUTDIR/<seed>.expect: one line per article paragraph ("+ text") or debris line
("- text"), so a test can check that every paragraph is kept and every debris
line is gone.

Debris in the seeds, as a reader of those pages tells it: the breadcrumb
("Home USA ..."), the repeated headline, teaser headlines of other stories
dropped between paragraphs (one starts with an emoji; they are links on the
page), "Previous article...", the author bio, "Exit mobile version", and the
"Source:" credit line. Subheadings stay (as <h2>) and are article text.
"""
import html
import os
import re
import sys

seed_dir, out = sys.argv[1], sys.argv[2]
TEASERS = ("\U0001f6e1", "Federal officers placed on leave", "ICE disclosure raises issues")


def classify(lines):
    """-> list of (kind, text): kind in title, crumb, para, sub, teaser, prev, bio, exit, source."""
    out, title = [], None
    for ln in lines:
        t = ln.strip()
        if not t:
            continue
        if t.startswith("Home "):
            out.append(("crumb", t))
        elif title is None and not re.search(r"[.!?\u201d\"]$", t) and len(t.split()) < 16 and all(k == "crumb" for k, _ in out):
            title = t
            out.append(("title", t))
        elif title and t == title:
            out.append(("title", t))
        elif t.startswith(TEASERS):
            out.append(("teaser", t))
        elif t.startswith("Previous article"):
            out.append(("prev", t))
        elif " is a seasoned " in t:
            out.append(("bio", t))
        elif t == "Exit mobile version":
            out.append(("exit", t))
        elif t.startswith("Source:"):
            out.append(("source", t))
        elif not re.search(r"[.!?\u201d\"]$", t) and len(t.split()) < 16:
            out.append(("sub", t))
        else:
            out.append(("para", t))
    return out


def page(outlet, parts, name):
    e = html.escape
    title = next((t for k, t in parts if k == "title"), name)
    body, after = [], []
    for k, t in parts:
        if k == "para":
            body.append(f"<p>{e(t)}</p>")
        elif k == "sub":
            body.append(f"<h2>{e(t)}</h2>")
        elif k == "teaser":
            body.append(f'<div class="td-related-inline"><a href="/news/more-{len(body)}">{e(t)}</a></div>')
        elif k == "source":
            body.append(f'<p class="source-credit"><em>{e(t)}</em></p>')
        elif k == "prev":
            after.append(f'<div class="post-navigation"><a rel="prev" href="/prev">{e(t)}</a></div>')
        elif k == "bio":
            after.append(f'<div class="author-box"><img src="/a.jpg" alt=""><p>{e(t)}</p></div>')
        elif k == "exit":
            after.append(f'<a class="mobile-switch" href="?nomobile">{e(t)}</a>')
    crumbs = next((t for k, t in parts if k == "crumb"), "Home News")
    if outlet == "globe":
        head = (f'<header><div class="logo">The Evening Globe</div><nav><a href="/">Home</a> '
                f'<a href="/world">World</a> <a href="/tech">Tech</a> <a href="/opinion">Opinion</a>'
                f'</nav></header><div class="breadcrumb">{e(crumbs)}</div>')
        tail = ('<aside class="newsletter-signup"><h3>Newsletter</h3><p>Get our best stories every '
                'morning. Subscribe now.</p></aside><footer>&copy; 2026 The Evening Globe. '
                '<a href="/privacy">Privacy</a> <a href="/cookies">Cookie policy</a></footer>')
        wrap = ("<main><article class='post'>", "</article></main>")
    else:
        head = (f'<div id="top-bar">Breaking: markets open higher</div><div class="site-nav">'
                f'<ul><li><a href="/">Home</a></li><li><a href="/usa">USA</a></li><li><a href="/tech">'
                f'Technology</a></li></ul></div><p class="crumbs">{e(crumbs)}</p>')
        tail = ('<div class="share"><a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">'
                'WhatsApp</a></div><section id="comments"><h3>Leave a Reply</h3><p>Your email address '
                'will not be published.</p></section><footer>All rights reserved.</footer>')
        wrap = ('<div class="td-post-content entry-content">', "</div>")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{e(title)} - "
            f"{outlet.title()} News</title><meta property='og:site_name' content='{outlet.title()} News'>"
            f"</head><body>{head}<h1 class='entry-title'>{e(title)}</h1><div class='byline'>By Staff "
            f"| Jan 28, 2026</div>{wrap[0]}{''.join(body)}{wrap[1]}{''.join(after)}{tail}</body></html>")


for fn in sorted(os.listdir(seed_dir)):
    if not fn.endswith(".txt"):
        continue
    name = fn[:-4]
    parts = classify(open(os.path.join(seed_dir, fn), encoding="utf-8").read().splitlines())
    for outlet in ("globe", "courier"):
        os.makedirs(os.path.join(out, outlet), exist_ok=True)
        with open(os.path.join(out, outlet, name + ".html"), "w", encoding="utf-8") as f:
            f.write(page(outlet, parts, name))
    with open(os.path.join(out, name + ".expect"), "w", encoding="utf-8") as f:
        for k, t in parts:
            if k in ("para", "sub"):
                f.write("+ " + t + "\n")
            elif k != "title":
                f.write("- " + t + "\n")
