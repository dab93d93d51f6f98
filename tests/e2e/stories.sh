#!/usr/bin/env bash
# stories.sh - the story level end to end (issue 11, "The seeds"): two
# outlets' own write-ups of one event, each wrapped in realistic outlet pages
# and each with two near copies on other outlets' pages, make one story of
# two copy clusters of three; an unrelated story that shares the event's
# company, and another that shares its agency, each stay a story of their
# own. Then the story commands as a user meets them: `stories` lists the
# story, `show --story` prints both clusters, `export --stories` writes it as
# JSONL, CSV (one row per member, story and cluster columns) and HTML (the
# copy clusters nested in the story), and `clusters`, `show ID` and the
# cluster export name each cluster's story.
#
# Part 1 uses the bundled pages of tests/data/stories/kestrel (an invented
# event; see tests/data/stories/README.md). Part 2 does the same with the
# two real seeds of $WC_SHARED/seeds, wrapped here in generated outlet pages
# with near copies made by small deterministic edits, plus the bundled
# negatives of tests/data/stories/seed-negatives (another Microsoft cloud
# story, another ICE story); it is skipped when the seeds are absent.
#
# A tree's groups are its top folders: event-* (one write-up and its
# copies: one copy cluster, and all event-* groups one story) and other-*
# (a hard negative: a story of its own). Pages are told apart by their
# <link rel="canonical">, which ingest stores as their URL.
. "$(dirname "$0")/lib.sh"
STORIES="$WC_TEST_DATA/stories"
SEEDS="${WC_SHARED:-/nonexistent}/seeds"

nneg() { ls -d "$1"/other-*/ 2>/dev/null | wc -l; }
N1=$(nneg "$STORIES/kestrel")
N2=$(nneg "$STORIES/seed-negatives")
# checks per part: 23, and one per negative
plan $((23 + N1 + 23 + N2))

# --- the checker: what the exports say, as key=value facts ---------------------------------
cat >"$T/facts.py" <<'PY'
"""facts.py ROOT DIR: read ROOT's pages (groups = top folders) and the exports in DIR
(stories.jsonl, stories.csv, stories.html, clusters.jsonl, clusters.tsv); print key=value."""
import csv, html.parser, json, os, re, sys

root, d = sys.argv[1], sys.argv[2]
facts = {}


def fact(k, v):
    facts[k] = str(v).replace("\n", " ")


# page URL -> group
group = {}
for g in sorted(os.listdir(root)):
    for dp, _, fns in os.walk(os.path.join(root, g)):
        for fn in fns:
            if fn.lower().endswith((".html", ".htm")):
                t = open(os.path.join(dp, fn), encoding="utf-8", errors="replace").read()
                m = re.search(r'<link[^>]*rel=["\']canonical["\'][^>]*href=["\']([^"\']+)', t, re.I)
                group[m.group(1) if m else os.path.join(dp, fn)] = g
events = sorted({g for g in group.values() if g.startswith("event-")})
others = sorted({g for g in group.values() if g.startswith("other-")})
fact("pages", len(group))


def load_jsonl(p):
    try:
        return [json.loads(l) for l in open(p, encoding="utf-8") if l.strip()], None
    except (OSError, ValueError) as e:
        return [], str(e)


# --- copy clusters (the cluster export), checkable before any story exists ---------------
crecs, cerr = load_jsonl(os.path.join(d, "clusters.jsonl"))
cl_of = {m["url"]: c["cluster"] for c in crecs for m in c["members"]}
bad = []
for g in events:
    ids = {cl_of.get(u) for u, gg in group.items() if gg == g}
    n = sum(1 for gg in group.values() if gg == g)
    if len(ids) != 1 or None in ids:
        bad.append(f"{g} in clusters {sorted(map(str, ids))}")
    elif sum(1 for u in cl_of if cl_of[u] in ids) != n:
        bad.append(f"{g}'s cluster holds other pages")
fact("copy_clusters", cerr or "; ".join(bad) or "ok")
fact("copy_sizes", " ".join(str(sum(1 for gg in group.values() if gg == g)) for g in events))

# --- the story export -------------------------------------------------------------------------
recs, err = load_jsonl(os.path.join(d, "stories.jsonl"))
problems = [err] if err else []
story_of, cluster_of, seen = {}, {}, {}
KEYS = {"story", "size", "title", "first_seen", "last_seen", "sites", "clusters"}
CKEYS = {"cluster", "size", "similarity", "members"}
for r in recs:
    if set(r) != KEYS:
        problems.append(f"story {r.get('story')}: keys {sorted(r)}")
        continue
    n = 0
    for c in r["clusters"]:
        if set(c) != CKEYS:
            problems.append(f"story {r['story']}, a cluster's keys {sorted(c)}")
            continue
        if c["size"] != len(c["members"]):
            problems.append(f"cluster {c['cluster']}: size {c['size']}, {len(c['members'])} members")
        n += len(c["members"])
        for m in c["members"]:
            seen[m["url"]] = seen.get(m["url"], 0) + 1
            story_of[m["url"]], cluster_of[m["url"]] = r["story"], c["cluster"]
    if r["size"] != n:
        problems.append(f"story {r['story']}: size {r['size']}, {n} members")
twice = [u for u, k in seen.items() if k > 1]
missing = [u for u in group if u not in seen]
if twice:
    problems.append(f"{len(twice)} pages in two places")
if missing:
    problems.append(f"{len(missing)} pages in no story, e.g. {missing[0]}")
fact("jsonl", "; ".join(problems[:3]) or "ok")

# each cluster's members exactly as the cluster export has them
by_id = {c["cluster"]: c for c in crecs}
diff = [c["cluster"] for r in recs for c in r.get("clusters", [])
        if c.get("cluster") not in by_id or c.get("members") != by_id[c["cluster"]]["members"]
        or c.get("size") != by_id[c["cluster"]]["size"]]
fact("members_as_export", f"clusters {diff[:5]} differ" if diff else "ok" if recs else "no story records")

# ids and similarities: a story's id is its founding cluster's, which scores 1
bad = []
for r in recs:
    cids = [c.get("cluster") for c in r.get("clusters", [])]
    if r.get("story") not in cids:
        bad.append(f"story {r.get('story')} is none of its clusters {cids}")
    for c in r.get("clusters", []):
        s = c.get("similarity")
        if not isinstance(s, (int, float)) or not 0 <= s <= 1:
            bad.append(f"cluster {c.get('cluster')} similarity {s}")
        elif c.get("cluster") == r.get("story") and abs(s - 1) > 1e-9:
            bad.append(f"founding cluster {c['cluster']} similarity {s}")
fact("ids", "; ".join(bad[:3]) or ("ok" if recs else "no story records"))

# the event: one story, two copy clusters of three, one per write-up, nothing else in it
ev_urls = [u for u, g in group.items() if g in events]
ev_stories = {story_of.get(u) for u in ev_urls}
nowhere = sum(1 for u in ev_urls if u not in story_of)
fact("event_stories", f"{len(ev_stories - {None})} (and {nowhere} pages in none)" if nowhere
     else len(ev_stories))
sid = next(iter(ev_stories)) if len(ev_stories) == 1 else None
fact("event_story", sid)
rec = next((r for r in recs if r.get("story") == sid), None)
fact("event_clusters", " ".join(sorted(str(c["size"]) for c in rec["clusters"])) if rec else "none")
split = [] if all(u in cluster_of for u in ev_urls) else ["event pages in no cluster"]
for g in events:
    ids = {cluster_of.get(u) for u, gg in group.items() if gg == g}
    if len(ids) != 1:
        split.append(f"{g} in {len(ids)} clusters")
ids = [cluster_of.get(next(u for u, gg in group.items() if gg == g)) for g in events]
if len(set(ids)) != len(ids):
    split.append("two write-ups in one cluster")
fact("event_split", "; ".join(split) or "ok")
fact("event_extra", sum(1 for u, s in story_of.items() if s == sid and group.get(u) not in events)
     if sid is not None else "no story")
if rec:
    ms = [m for c in rec["clusters"] for m in c["members"]]
    first = min(ms, key=lambda m: (m["published"] is None, m["published"] or ""))
    pub = [m["published"] for m in ms if m["published"]]
    meta = []
    if rec["title"] != first["title"]:
        meta.append(f"title {rec['title']!r}, earliest member's {first['title']!r}")
    if pub and (rec["first_seen"], rec["last_seen"]) != (min(pub), max(pub)):
        meta.append(f"seen {rec['first_seen']}..{rec['last_seen']}, members {min(pub)}..{max(pub)}")
    if sorted(rec["sites"]) != sorted({m["site"] for m in ms}):
        meta.append(f"sites {rec['sites']}")
    fact("event_meta", "; ".join(meta) or "ok")
    # its clusters in time order (first_seen of each), for show --story
    cl = {c["cluster"]: min((m["published"] or "~") for m in c["members"]) for c in rec["clusters"]}
    fact("event_cluster_ids", " ".join(str(c) for c in sorted(cl, key=lambda c: (cl[c], c))))
else:
    fact("event_meta", "no story")
    fact("event_cluster_ids", "")
for g in others:
    s = {story_of.get(u) for u, gg in group.items() if gg == g}
    s1 = next(iter(s))
    shared = sorted({group[u] for u, x in story_of.items() if x == s1 and group.get(u) != g})
    fact("neg_" + g, "ok" if len(s) == 1 and s1 is not None and not shared
         else f"story {sorted(map(str, s))} shared with {shared}")
fact("other_urls", " ".join(u for u, g in group.items() if g not in events))
fact("event_urls", " ".join(ev_urls))
fact("story_ids", " ".join(sorted({str(r.get('story')) for r in recs})))

# --- CSV: one row per member, story and cluster columns that agree with the JSONL -----------
try:
    rows = list(csv.DictReader(open(os.path.join(d, "stories.csv"), encoding="utf-8", newline="")))
    cols = rows[0].keys() if rows else []
    sc = next((c for c in ("story", "story_id") if c in cols), None)
    cc = next((c for c in ("cluster", "cluster_id") if c in cols), None)
    fact("csv_rows", len(rows))
    if not sc or not cc or "url" not in cols:
        fact("csv_agree", f"no story/cluster/url column in {list(cols)}")
    else:
        wrong = [r["url"] for r in rows
                 if (r[sc], r[cc]) != (str(story_of.get(r["url"])), str(cluster_of.get(r["url"])))]
        fact("csv_agree", f"{len(wrong)} rows disagree, e.g. {wrong[0]}" if wrong else "ok")
except (OSError, csv.Error, IndexError) as e:
    fact("csv_rows", f"error {e}")
    fact("csv_agree", f"error {e}")

# --- HTML: the event story's element holds both clusters' elements, each only its own --------
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Node:
    def __init__(self, tag, parent):
        self.tag, self.parent, self.kids, self.urls = tag, parent, [], set()


class Tree(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, self.cur)
        href = dict(attrs).get("href")
        if href in group:
            n.urls.add(href)
        if tag in VOID:
            self._up(n)
            return
        self.cur.kids.append(n)
        self.cur = n

    def _up(self, n):
        p = self.cur
        while p:
            p.urls |= n.urls
            p = p.parent

    def handle_endtag(self, tag):
        p = self.cur
        while p is not self.root and p.tag != tag:
            p = p.parent
        if p is self.root:
            return
        while self.cur is not p.parent:
            done, self.cur = self.cur, self.cur.parent
            self.cur.urls |= done.urls

    def handle_data(self, data):
        for u in re.findall(r"https?://\S+", data):
            if u in group:
                self.cur.urls.add(u)

    def close(self):
        super().close()
        while self.cur is not self.root:
            done, self.cur = self.cur, self.cur.parent
            self.cur.urls |= done.urls


def smallest(node, want):
    """The deepest element whose URLs include all of want."""
    for k in node.kids:
        if want <= k.urls:
            return smallest(k, want)
    return node


try:
    t = Tree()
    t.feed(open(os.path.join(d, "stories.html"), encoding="utf-8").read())
    t.close()
    ev = set(ev_urls)
    top = smallest(t.root, ev)
    msg = []
    if not ev <= top.urls:
        msg.append(f"{len(ev - top.urls)} event pages not linked")
    elif top.urls - ev:
        msg.append(f"the element holding the story ({top.tag}) holds {len(top.urls - ev)} other pages")
    if rec and not msg:
        for c in rec["clusters"]:
            cu = {m["url"] for m in c["members"]}
            el = smallest(top, cu)
            if el is top or el.urls != cu:
                msg.append(f"cluster {c['cluster']} has no element of its own in the story's")
    fact("html_nested", "; ".join(msg) or "ok")
except Exception as e:  # whatever the page holds, a fact, not a crash
    fact("html_nested", f"error {e}")

# --- clusters --tsv and the cluster export name each cluster's story ------------------------
story_by_cluster = {c["cluster"]: r["story"] for r in recs for c in r.get("clusters", [])}
try:
    rows = list(csv.reader(open(os.path.join(d, "clusters.tsv"), encoding="utf-8"), delimiter="\t"))
    head = [h.lower() for h in rows[0]]
    si = next((i for i, h in enumerate(head) if h in ("story", "story_id")), None)
    if si is None:
        fact("clusters_story", f"no story column in {rows[0]}")
    else:
        wrong = [r[0] for r in rows[1:] if r[si] != str(story_by_cluster.get(int(r[0])))]
        fact("clusters_story", f"clusters {wrong[:5]} name another story" if wrong else
             ("ok" if len(rows) > 1 else "no rows"))
except (OSError, IndexError, ValueError) as e:
    fact("clusters_story", f"error {e}")
wrong = [c.get("cluster") for c in crecs
         if "story" not in c or c["story"] != story_by_cluster.get(c.get("cluster"))]
fact("export_story", f"clusters {wrong[:5]} name another story (or none)" if wrong
     else "ok" if crecs and story_by_cluster else "nothing to compare")

for k, v in facts.items():
    print(f"{k}={v}")
PY

fact() { sed -n "s/^$1=//p" "$T/facts"; }

# --- one part: ingest ROOT into a fresh database and check it all --------------------------
story_checks() { # LABEL ROOT
    local L=$1 root=$2 D=$T/$1 sid cids c pos last u bad
    mkdir -p "$D"
    export WIRECOPY_DB="$D/wc.db"
    wcx ingest -q "$root"; is $? 0 "$L: ingest of the pages exits 0"
    wcx export --format jsonl --min-size 1 -o "$D/clusters.jsonl" 2>/dev/null
    wcx clusters --min-size 1 --tsv >"$D/clusters.tsv" 2>/dev/null
    wcx export --stories --format jsonl --min-size 1 -o "$D/stories.jsonl" 2>"$D/err"
    local rc_jsonl=$?
    wcx export --stories --format csv --min-size 1 -o "$D/stories.csv" 2>/dev/null
    local rc_csv=$?
    wcx export --stories --format html --min-size 1 -o "$D/stories.html" 2>/dev/null
    local rc_html=$?
    python3 "$T/facts.py" "$root" "$D" >"$T/facts"

    is "$(sql 'SELECT count(*) FROM documents')" "$(fact pages)" "$L: every page stored"
    is "$(fact copy_clusters)" ok "$L: each write-up and its two near copies make one copy cluster"
    is "$(fact copy_sizes)" "3 3" "$L: two write-ups of three pages each"
    is "$rc_jsonl" 0 "$L: export --stories --format jsonl --min-size 1 exits 0"
    [ "$rc_jsonl" -eq 0 ] || sed 's/^/#   /' "$D/err" | head -5
    is "$(fact jsonl)" ok "$L: story records as specified, every page in exactly one"
    is "$(fact members_as_export)" ok "$L: each cluster's members exactly as the cluster export has them"
    is "$(fact ids)" ok "$L: a story's id is its founding cluster's, which scores 1; scores in [0,1]"
    is "$(fact event_stories)" 1 "$L: the six event pages are in one story"
    is "$(fact event_clusters)" "3 3" "$L: that story has two copy clusters of three"
    is "$(fact event_split)" ok "$L: its clusters are the two write-ups, one each"
    is "$(fact event_extra)" 0 "$L: no other page joined the story"
    is "$(fact event_meta)" ok "$L: its title is the earliest member's; first/last seen and sites from its members"
    for g in $(cd "$root" && ls -d other-*/ | tr -d /); do
        is "$(fact "neg_$g")" ok "$L: $g is a story of its own"
    done

    sid=$(fact event_story)
    cids=$(fact event_cluster_ids)
    # stories: id, documents, copy clusters, ... -- only the event story has two clusters or two sites
    wcx stories >"$D/stories.txt" 2>&1
    is "$?:$(awk -v id="$sid" '$1 == id { print $2, $3 }' "$D/stories.txt")" "0:6 2" \
        "$L: stories lists the event story with 6 documents in 2 copy clusters"
    is "$(awk '$1 ~ /^[0-9]+$/ { print $1 }' "$D/stories.txt" | tr '\n' ' ')" "$sid " \
        "$L: and no other (each negative is one cluster on one site)"

    # show --story: both clusters, in time order, with all six members and nothing else
    wcx show --story "$sid" >"$D/show.txt" 2>&1
    local rc=$?
    bad=""
    last=0
    [ "$(wc -w <<<"$cids")" -eq 2 ] || bad="the story has not two clusters;"
    for c in $cids; do
        pos=$(grep -niE "^[[:space:]#*-]*(copy )?cluster[^0-9]{0,3}$c([^0-9]|$)" "$D/show.txt" | head -1 | cut -d: -f1)
        if [ -z "$pos" ]; then bad="$bad cluster $c not named;"
        elif [ "$pos" -le "$last" ]; then bad="$bad cluster $c out of time order;"
        else last=$pos; fi
    done
    is "$rc:${bad:-ok}" "0:ok" "$L: show --story prints both copy clusters, in time order"
    bad=""
    for u in $(fact event_urls); do grep -qF "$u" "$D/show.txt" || bad="$bad missing $u;"; done
    for u in $(fact other_urls); do grep -qF "$u" "$D/show.txt" && bad="$bad shows $u;"; done
    is "${bad:-ok}" ok "$L: show --story lists the six members and no other page"
    [ -n "$bad" ] && head -20 "$D/show.txt" | sed 's/^/#   /'

    is "$rc_csv:$(fact csv_rows)" "0:$(fact pages)" "$L: export --stories --format csv: one row per member"
    is "$(fact csv_agree)" ok "$L: its story and cluster columns agree with the JSONL"
    is "$rc_html:$(fact html_nested)" "0:ok" "$L: export --stories --format html nests both clusters in the story"

    # clusters, the cluster export and show ID name each cluster's story
    is "$(fact clusters_story)" ok "$L: clusters --tsv names each cluster's story"
    is "$(fact export_story)" ok "$L: the cluster export names each cluster's story"
    bad=""
    [ "$(wc -w <<<"$cids")" -eq 2 ] || bad="the story has not two clusters"
    for c in $cids; do
        wcx show "$c" 2>&1 | grep -qiE "story[^0-9]{0,3}$sid([^0-9]|$)" || bad="$bad $c"
    done
    is "${bad:-ok}" ok "$L: show ID names the story of each event cluster"
}

# === part 1: the bundled invented event and its negatives ==================================
story_checks kestrel "$STORIES/kestrel"

# === part 2: the real seeds, wrapped here, with the bundled Microsoft and ICE negatives ====
if ! ls "$SEEDS"/*.txt >/dev/null 2>&1; then
    for _ in $(seq $((23 + N2))); do _report 0 "seeds # SKIP no seeds at $SEEDS"; done
    done_testing
    exit
fi

mkdir -p "$T/seeds"
cp -R "$STORIES/seed-negatives/." "$T/seeds/"
python3 - "$SEEDS" "$T/seeds" <<'PY'
"""Wrap each seed (one outlet's write-up as its reader saw it, debris lines and all) in a
page of one of two outlet templates, and make two near copies of it on two other outlets'
pages by small deterministic edits: a changed headline, a dateline, a dropped or added
paragraph, spelling fixes. Writes OUT/event-<seed>/<outlet>.html."""
import html, os, re, sys, zlib

src, out = sys.argv[1], sys.argv[2]
e = html.escape
SMALL = {"a", "an", "and", "as", "at", "for", "in", "of", "on", "or", "the", "to", "by", "with"}


def unpunctuated(t):
    return not re.search(r"[.!?\u201d\"]$", t) and len(t.split()) < 20


def title_case(t):
    w = [x for x in re.findall(r"[^\W\d_][\w\u2019'-]*", t) if x.lower() not in SMALL and len(x) > 3]
    return w and sum(x[0].isupper() for x in w) / len(w) >= 0.6


def classify(lines):
    """-> title, crumb, [(kind, text)] with kind in para, sub, teaser, prev, bio, exit, source."""
    title, crumb, parts, after_prev = None, None, [], False
    for ln in lines:
        t = ln.strip()
        if not t:
            continue
        if t.startswith("Home ") and crumb is None and not parts:
            crumb = t
        elif title is None and not parts and unpunctuated(t):
            title = t
        elif t == title:
            continue
        elif t.startswith("Previous article"):
            parts.append(("prev", t))
            after_prev = True
        elif t == "Exit mobile version":
            parts.append(("exit", t))
        elif t.startswith("Source:"):
            parts.append(("source", t))
        elif after_prev:
            parts.append(("bio", t))
        elif unpunctuated(t) or not t[0].isalnum() and not t[0] in "\u201c\"'(":
            parts.append(("sub" if t[0].isalnum() and title_case(t) else "teaser", t))
        else:
            parts.append(("para", t))
    if title is None:  # a seed without a headline: its first sentence's opening, the kicker cut
        first = next(t for k, t in parts if k == "para")
        first = re.sub(r"^[A-Z][A-Z ]+\s[\u2013\u2014-]\s", "", first)
        title = " ".join(re.split(r"[:.;]", first)[0].split()[:12])
    return title, crumb, parts


OUTLETS = {  # name, host, section
    "circuit": ("The Daily Circuit", "dailycircuit.example", "tech"),
    "monitor": ("Capitol Monitor", "capitolmonitor.example", "policy"),
    "newshub": ("NewsHub Network", "newshub.example", "world"),
    "metro": ("Metro Morning", "metromorning.example", "nation"),
}


def body(parts, related, promo, teaser_cls, sub="h2"):
    out, n = [], 0
    for k, t in parts:
        if k == "para":
            out.append(f"<p>{e(t, quote=False)}</p>")
            n += 1
            if n == 2:
                out.append(related)
            if n == 5:
                out.append(promo)
        elif k == "sub":
            out.append(f"<{sub}>{e(t, quote=False)}</{sub}>")
        elif k == "teaser":
            out.append(f'<div class="{teaser_cls}"><a href="/news/{zlib.crc32(t.encode())}">{e(t)}</a></div>')
        elif k == "source":
            out.append(f'<p class="source-credit"><em>{e(t)}</em></p>')
    return "\n".join(out)


def tail(parts, cls):
    return "\n".join(
        f'<div class="post-navigation"><a rel="prev" href="/prev">{e(t)}</a></div>' if k == "prev" else
        f'<div class="author-bio {cls}"><img src="/a.jpg" alt=""><p>{e(t)}</p></div>' if k == "bio" else
        f'<a class="mobile-switch" href="?amp=0">{e(t)}</a>' if k == "exit" else ""
        for k, t in parts)


def page(outlet, title, crumb, parts, url, published, shown):
    name, host, sec = OUTLETS[outlet]
    head = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n<title>{e(title)} | {name}</title>\n'
            f'<link rel="canonical" href="{url}">\n<meta property="og:site_name" content="{name}">\n'
            f'<meta property="og:type" content="article">\n<meta property="og:title" content="{e(title)}">\n'
            f'<meta property="article:published_time" content="{published}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"></head>\n')
    crumbs = e(crumb or f"Home {sec.title()}")
    if outlet == "circuit":
        b = body(parts, '<aside class="related-inline"><strong>Related:</strong> <a href="/tech/chip-export-rules">'
                 'Chip export rules tighten again</a></aside>',
                 '<aside class="newsletter-signup"><h3>Circuit Daily</h3><p>The day in tech, in your inbox at 7. '
                 '<a href="/newsletter">Subscribe</a></p></aside>', "td-related-inline")
        return (head + f'<body><header class="site-header"><div class="logo">{name}</div><nav><a href="/">Home</a> '
                f'<a href="/tech">Tech</a> <a href="/ai">AI</a> <a href="/cloud">Cloud</a> <a href="/reviews">Reviews</a>'
                f'</nav></header><div class="breadcrumb">{crumbs}</div><main><article class="post">'
                f'<h1 class="entry-title">{e(title)}</h1><div class="byline">By Staff Writer | {shown}</div>'
                f'<div class="entry-content">{b}</div></article>{tail(parts, "author-box")}'
                '<section class="related-posts"><h3>More from The Daily Circuit</h3><ul><li><a href="/t/1">'
                'Five laptops worth buying this spring</a></li><li><a href="/t/2">Why your router needs an update'
                '</a></li></ul></section></main><footer class="site-footer">&copy; 2026 The Daily Circuit. '
                '<a href="/privacy">Privacy</a> <a href="/cookies">Cookies</a></footer></body></html>\n')
    if outlet == "monitor":
        b = body(parts, '<p><strong>Related:</strong> <a href="/policy/budget-deal-explained">What is in the '
                 'budget deal</a></p>',
                 '<div class="promo promo-newsletter"><p>Get the Monitor Briefing every weekday morning. '
                 '<a href="/briefing">Sign up free</a></p></div>', "inline-teaser")
        return (head + f'<body><div id="top-bar">Breaking: Senate returns Monday</div><div class="site-nav">'
                f'<ul><li><a href="/">Home</a></li><li><a href="/policy">Policy</a></li><li><a href="/congress">'
                f'Congress</a></li><li><a href="/tech">Technology</a></li></ul></div><p class="crumbs">{crumbs}</p>'
                f'<div class="td-post-header"><h1 class="entry-title">{e(title)}</h1><span class="td-post-date">'
                f'{shown}</span></div><div class="td-post-content entry-content">{b}</div>{tail(parts, "td-author")}'
                '<div class="share"><a href="#">Facebook</a> <a href="#">X</a> <a href="#">WhatsApp</a></div>'
                '<section id="comments"><h3>Leave a Reply</h3><p>Your email address will not be published.</p>'
                '</section><footer>&copy; 2026 Capitol Monitor. All rights reserved.</footer></body></html>\n')
    if outlet == "newshub":
        b = body(parts, '<div class="inline-teaser"><span class="kicker">READ MORE</span> <a href="/world/x">'
                 'Storm knocks out power to thousands</a></div>',
                 '<div class="promo"><p>Download the NewsHub app for alerts. <a href="/app">Get it</a></p></div>',
                 "inline-teaser")
        return (head + f'<body><div class="trending"><strong>Trending:</strong> <a href="/a">Weather</a> '
                f'<a href="/b">Markets</a></div><header><a class="brand" href="/">{name}</a><nav><a href="/world">'
                f'World</a> | <a href="/us">U.S.</a> | <a href="/tech">Tech</a></nav></header><div class="article-wrap">'
                f'<h1 class="article-title">{e(title)}</h1><p class="article-meta">{shown}</p><div class="article-body">'
                f'{b}</div><div class="more-from"><h2>More from NewsHub</h2><ul><li><a href="/m/1">Airline adds routes'
                f'</a></li></ul></div></div><footer><p><a href="/contact">Contact</a> &middot; <a href="/privacy">Privacy'
                f'</a></p><p>&copy; 2026 NewsHub Network</p></footer></body></html>\n')
    b = body(parts, '<div class="related-box"><p class="related-label">Related:</p><ul><li><a href="/n/1">'
             'City council passes transit plan</a></li></ul></div>',
             '<div class="donate-promo"><p>Metro Morning is reader-supported. <a href="/donate">Donate</a></p></div>',
             "related-box")
    return (head + f'<body><div class="alert-bar">Metro Morning: local news first. <a href="/donate">Donate</a></div>'
            f'<header><a href="/" class="site-title">{name}</a><ul class="menu"><li><a href="/news">News</a></li>'
            f'<li><a href="/nation">Nation</a></li></ul></header><article><h1>{e(title)}</h1><p class="meta">'
            f'<time datetime="{published}">{shown}</time></p><div class="entry">{b}</div></article>'
            f'{tail(parts, "bio-box")}<div class="signup"><h3>Get the Metro Morning newsletter</h3><form><input '
            f'type="email"><button>Subscribe</button></form></div><footer class="site-foot"><p>Metro Morning'
            f'</p><p><a href="/about">About</a> <a href="/privacy">Privacy</a></p></footer></body></html>\n')


SPELL = [("analyze", "analyse"), ("organize", "organise"), ("emphasized", "emphasised"),
         ("criticized", "criticised")]
seeds = sorted(f for f in os.listdir(src) if f.endswith(".txt"))
for k, fn in enumerate(seeds):
    name = fn[:-4]
    title, crumb, parts = classify(open(os.path.join(src, fn), encoding="utf-8").read().splitlines())
    paras = [i for i, (kk, _) in enumerate(parts) if kk == "para"]
    day = 27 + k
    d = os.path.join(out, "event-" + name)
    os.makedirs(d, exist_ok=True)
    orig = ("circuit", "monitor")[k % 2]
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]

    def url(o):
        return f"https://www.{OUTLETS[o][1]}/{OUTLETS[o][2]}/2026/01/{day}/{slug}/"

    with open(os.path.join(d, orig + ".html"), "w", encoding="utf-8") as f:
        f.write(page(orig, title, crumb, parts, url(orig), f"2026-01-{day}T09:00:00Z", f"Jan {day}, 2026"))
    # copy 1: another headline, a dateline, the last paragraph dropped
    p1 = list(parts)
    i0 = paras[0]
    p1[i0] = ("para", "WASHINGTON \u2014 " + p1[i0][1])
    if len(paras) >= 5:
        del p1[paras[-1]]
    t1 = title.split(" \u2014 ")[0] if " \u2014 " in title else "Report: " + title
    with open(os.path.join(d, "newshub.html"), "w", encoding="utf-8") as f:
        f.write(page("newshub", t1, None, p1, url("newshub"), f"2026-01-{day}T14:30:00Z", f"Jan. {day}, 2026"))
    # copy 2: spelling changed to the outlet's style, a closing paragraph added
    p2 = []
    for kk, t in parts:
        if kk == "para":
            for a, b in SPELL:
                t = t.replace(a, b)
        p2.append((kk, t))
    last = max(i for i, (kk, _) in enumerate(p2) if kk == "para")
    p2.insert(last + 1, ("para", "This story has been updated with additional details since it was first "
                                 "published."))
    with open(os.path.join(d, "metro.html"), "w", encoding="utf-8") as f:
        f.write(page("metro", title, None, p2, url("metro"), f"2026-01-{day + 1}T07:15:00Z",
                     f"January {day + 1}, 2026"))
    print(f"# {name}: title {title!r}; " + ", ".join(
        f"{sum(1 for kk, _ in parts if kk == x)} {x}" for x in ("para", "sub", "teaser", "prev", "bio", "exit", "source")))
PY
[ "$(ls -d "$T"/seeds/event-*/ | wc -l)" -ge 2 ] || echo "# fewer than two seeds wrapped"
story_checks seeds "$T/seeds"
done_testing
