#!/usr/bin/env python3
"""Write the bundled sample dump used by scripts/demo.sh and the end-to-end tests.

Six wire stories (written for wirecopy, fictional) are republished by five
made-up outlets, each wrapping the text in its own page debris (navigation,
"Related:" teasers dropped mid-article, newsletter promos, author bios,
"Previous article" links) and applying what syndication does: rewritten
headlines, stories cut after a few paragraphs, house spelling, an editor's
note on top. Two further stories are distinct but share a topic and a quote
with a wire story (hard negatives: they must stay apart).

Output (deterministic):
  tests/data/sample/pages/<outlet>/<slug>.html   a folder of article pages
  tests/data/sample/wire.jsonl                   the agency's own feed as JSONL
usage: scripts/make_sample.py [OUTDIR]
"""
import html
import json
import os
import sys

STORIES = {
    "harbour-bridge": {
        "title": "Port authority approves new harbour bridge after decade of debate",
        "date": "2026-03-02T08:15:00Z",
        "paras": [
            "The Eastport Port Authority on Monday approved plans for a four-lane bridge across the inner harbour, ending more than ten years of argument over how to connect the city's two container terminals.",
            "The board voted seven to two in favour of the design, which will carry freight lorries, buses and a separate cycle lane on a span of roughly 1.2 kilometres. Construction is expected to begin next spring and to take four years.",
            "\"This bridge takes thousands of trucks a day off residential streets,\" said authority chair Miriam Okafor. \"We have listened to every objection, and the plan we approved today is better for it.\"",
            "Opponents, led by a coalition of fishing cooperatives, argue that the piers will narrow the channel used by smaller boats and disturb a breeding ground for flatfish near the northern shore.",
            "The authority said it would fund a monitoring programme for the breeding ground and widen the navigation channel by dredging, at a cost of about 40 million dollars of the project's 610 million dollar budget.",
            "Two members of the board who voted against the plan said the traffic forecasts behind it were out of date and called for an independent review before any contracts are signed.",
        ],
    },
    "glacier-study": {
        "title": "Alpine glaciers lost a tenth of their ice in two years, survey finds",
        "date": "2026-04-11T06:00:00Z",
        "paras": [
            "Glaciers in the central Alps lost about ten percent of their remaining ice volume in the past two years, according to a survey published on Friday by a network of mountain research stations.",
            "The researchers measured 180 glaciers using airborne laser scans and compared the results with scans made in 2024. The losses were largest on small, low-lying glaciers, several of which have broken up into separate patches of dead ice.",
            "\"We are watching glaciers that were mapped for two centuries disappear within a decade,\" said glaciologist Tomas Lindqvist, who led the survey. \"The speed has surprised even those of us who expected bad news.\"",
            "Warm summers with little late snowfall were the main cause, the report said. Dust from the Sahara, deposited on the ice in several springs, darkened the surface and made it absorb more sunlight.",
            "The survey's authors called on regional governments to plan for reduced summer river flows, which farms and hydroelectric plants downstream rely on when the snow has gone.",
        ],
    },
    "rail-strike": {
        "title": "Rail workers announce three-day strike over pay and staffing",
        "date": "2026-05-19T17:40:00Z",
        "paras": [
            "Rail workers will walk out for three days next month after talks over pay and staffing levels broke down, their union said on Tuesday, threatening severe disruption to commuter and freight services.",
            "The union said its members had rejected an offer of a 3.5 percent pay rise because it was tied to plans to remove guards from suburban trains and to close ticket offices at smaller stations.",
            "\"Our members keep this network running through every storm and every timetable change,\" union general secretary Alan Petrov said. \"They will not trade away safety for a pay rise that does not match the cost of living.\"",
            "The national rail operator said it was disappointed and that its offer was fair and affordable. It urged the union to return to talks and said it would publish a reduced timetable for the strike days within a week.",
            "Business groups warned that the strike would hit retailers and restaurants in city centres, which have only recently recovered the footfall they lost during earlier rounds of industrial action.",
            "The last national rail strike, two years ago, lasted four days and ended with a two-year pay agreement that expired in March.",
        ],
    },
    "battery-plant": {
        "title": "Carmaker to build battery plant, creating 2,000 jobs",
        "date": "2026-06-03T09:30:00Z",
        "paras": [
            "Northway Motors will build a battery factory on the site of a former steelworks in the Riverside district, the company said on Wednesday, creating about 2,000 jobs by the end of the decade.",
            "The plant will produce cells for the company's electric vans and small cars, with an initial capacity of 20 gigawatt hours a year. Production is due to start in 2028.",
            "Chief executive Hannah Berg said the region's skilled workforce and port access had decided the choice of site. \"We are building where the people who know heavy industry already live,\" she said.",
            "The regional government will contribute 300 million in grants and will upgrade the road and rail links to the site. Environmental groups welcomed the reuse of industrial land but asked for details on how the company would recycle used cells.",
            "Unions said they would seek an agreement on training for former steelworkers, many of whom have been without stable work since the steelworks closed six years ago.",
        ],
    },
    "library-fire": {
        "title": "Volunteers rescue rare books after fire at city library",
        "date": "2026-07-22T21:05:00Z",
        "paras": [
            "Hundreds of volunteers formed a human chain on Wednesday night to carry rare books out of the Old Town library after a fire broke out in its roof, saving most of a collection that dates back to the sixteenth century.",
            "Firefighters brought the blaze under control after about three hours. Nobody was hurt. The city's fire service said the fire appeared to have started in electrical equipment installed during recent renovation works.",
            "\"People just came, in their hundreds, and asked what they could carry,\" said head librarian Sofia Marchetti. \"Without them we would have lost the manuscripts room.\"",
            "Water damaged part of the newspaper archive on the upper floor. Conservators began freezing the wet volumes overnight to stop mould from forming while they plan how to dry them.",
            "The library will remain closed for at least six months. The city council said it would open a temporary reading room in the town hall next week.",
        ],
    },
    "drought-rules": {
        "title": "Water company imposes hosepipe ban as reservoirs fall",
        "date": "2026-08-08T12:00:00Z",
        "paras": [
            "A hosepipe ban will take effect across the southern valleys from Friday after reservoir levels fell to their lowest August level in thirty years, Southvale Water said on Monday.",
            "The ban prohibits using hoses to water gardens, wash cars or fill private swimming pools. Customers who break it can be fined up to 1,000, although the company said it expected to rely mainly on warnings.",
            "\"We know this is unwelcome in the middle of summer,\" said operations director Priya Raman. \"But every litre saved now is a litre we will not have to find in October if the rain does not come.\"",
            "Critics pointed out that the company loses almost a fifth of the water it treats through leaking pipes, and said customers were being asked to save water while the company failed to fix its network.",
            "Southvale Water said it had repaired more than 4,000 leaks this year and would speed up work on the largest mains.",
        ],
    },
}

# Distinct stories on a wire story's topic that share one quote with it.
NEGATIVES = {
    "bridge-followup": {
        "title": "Fishing cooperatives launch legal challenge to harbour bridge",
        "date": "2026-03-20T10:00:00Z",
        "paras": [
            "Fishing cooperatives in Eastport filed a legal challenge on Thursday against the port authority's decision to build a bridge across the inner harbour, arguing that the environmental assessment was incomplete.",
            "The cooperatives' lawyers said the assessment had ignored surveys of juvenile fish carried out by the university's marine station and had not considered how the bridge piers would change currents along the northern shore.",
            "\"This bridge takes thousands of trucks a day off residential streets,\" authority chair Miriam Okafor had said when the plan was approved. The cooperatives say the same goal could be met by a tunnel.",
            "A hearing is expected in the autumn. The authority said it was confident its decision would be upheld and that preparatory work would continue in the meantime.",
        ],
    },
    "glacier-tourism": {
        "title": "Ski resorts turn to summer hiking as glaciers retreat",
        "date": "2026-04-25T07:30:00Z",
        "paras": [
            "Mountain resorts that once depended on glacier skiing are rebuilding their summer business around hiking, cycling and lake swimming, tourism officials said at a regional conference on Thursday.",
            "Three resorts have closed their glacier ski areas in the past five years. Others have covered parts of their slopes with reflective blankets in summer to slow the melting, at considerable cost.",
            "\"We are watching glaciers that were mapped for two centuries disappear within a decade,\" a glaciologist told the conference, urging resorts to plan for a future without summer snow.",
            "Hotel owners said summer guests now outnumber winter guests in several valleys, but they spend less per day and stay for shorter periods.",
        ],
    },
}

OUTLETS = [
    {"slug": "eastport-herald", "name": "Eastport Herald", "host": "www.eastportherald.example",
     "spell": None, "cut": None, "retitle": None, "note": None},
    {"slug": "daily-ledger", "name": "The Daily Ledger", "host": "dailyledger.example",
     "spell": "uk", "cut": None, "retitle": "prefix", "note": None},
    {"slug": "metro-wire", "name": "Metro Wire", "host": "metrowire.example",
     "spell": None, "cut": 3, "retitle": "rewrite", "note": None},
    {"slug": "valley-news", "name": "Valley News Online", "host": "news.valley.example",
     "spell": None, "cut": None, "retitle": None,
     "note": "Editor's note: This story has been updated with comment from the company."},
    {"slug": "coastal-times", "name": "Coastal Times", "host": "coastaltimes.example",
     "spell": "uk", "cut": 4, "retitle": "suffix", "note": None},
]

# Which outlet carries which story (not every outlet carries every story).
CARRIES = {
    "harbour-bridge": ["eastport-herald", "daily-ledger", "metro-wire", "coastal-times"],
    "glacier-study": ["daily-ledger", "valley-news", "coastal-times"],
    "rail-strike": ["eastport-herald", "metro-wire", "valley-news", "daily-ledger", "coastal-times"],
    "battery-plant": ["metro-wire", "valley-news"],
    "library-fire": ["eastport-herald", "coastal-times"],
    "drought-rules": ["valley-news"],
}
NEGATIVE_OUTLET = {"bridge-followup": "eastport-herald", "glacier-tourism": "valley-news"}

UK = [("percent", "per cent"), ("dollars", "dollars"), ("program", "programme"),
      ("center", "centre"), ("neighbor", "neighbour"), ("recognized", "recognised")]

TEASERS = ["Related: City council delays vote on tram extension",
           "READ MORE: Five things to know about this week's budget",
           "Related: Heatwave warning issued for the weekend"]


def retitle(title, how, outlet):
    if how == "prefix":
        return "UPDATE: " + title
    if how == "suffix":
        return title + " - report"
    if how == "rewrite":
        words = title.split()
        return " ".join(words[: max(4, len(words) // 2)]) + ", officials say"
    return title


def spell(text, how):
    if how == "uk":
        for a, b in UK:
            text = text.replace(a, b)
    return text


def later(iso, minutes):
    """iso + minutes, as ISO 8601 UTC: outlets republish after the wire."""
    import datetime
    t = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(minutes=minutes)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def page(outlet, story_id, story, idx):
    story = dict(story, date=later(story["date"], 20 + 37 * (idx % 7)))
    title = retitle(story["title"], outlet["retitle"], outlet)
    paras = [spell(p, outlet["spell"]) for p in story["paras"]]
    if outlet["cut"]:
        paras = paras[: outlet["cut"]]
    body = []
    if outlet["note"]:
        body.append(f'<p class="editor-note"><em>{html.escape(outlet["note"])}</em></p>')
    for i, p in enumerate(paras):
        body.append(f"<p>{html.escape(p)}</p>")
        if i == 1:
            teaser = TEASERS[idx % len(TEASERS)]
            body.append(f'<p class="related"><a href="/news/other-{idx}">{html.escape(teaser)}</a></p>')
    url = f"https://{outlet['host']}/news/{story['date'][:10].replace('-', '/')}/{story_id}"
    nav = "".join(f'<li><a href="/{s}">{s.title()}</a></li>' for s in
                  ("news", "business", "sport", "culture", "opinion", "weather"))
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                     "datePublished": story["date"], "author": {"@type": "Organization",
                     "name": "Wire Service"}, "publisher": {"@type": "Organization",
                     "name": outlet["name"]}})
    return url, f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)} | {html.escape(outlet['name'])}</title>
<link rel="canonical" href="{url}">
<meta property="og:site_name" content="{html.escape(outlet['name'])}">
<meta property="og:title" content="{html.escape(title)}">
<meta property="article:published_time" content="{story['date']}">
<script type="application/ld+json">{ld}</script>
</head>
<body>
<header class="site-header"><a class="logo" href="/">{html.escape(outlet['name'])}</a>
<nav class="main-nav"><ul>{nav}</ul></nav>
<div class="search"><form action="/search"><input name="q" placeholder="Search"></form></div></header>
<div class="breadcrumbs"><a href="/">Home</a> &rsaquo; <a href="/news">News</a></div>
<main>
<article class="story">
<h1 class="headline">{html.escape(title)}</h1>
<div class="byline">By Wire Service staff | <time datetime="{story['date']}">{story['date'][:10]}</time></div>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Email</a></div>
<div class="story-body">
{chr(10).join(body)}
</div>
<aside class="newsletter"><h3>Get the morning briefing</h3><p>Sign up for the {html.escape(outlet['name'])} newsletter and get the day's top stories in your inbox every morning.</p><form><input type="email"><button>Subscribe</button></form></aside>
<div class="author-bio"><p>Wire Service staff report from newsrooms across the region. Follow us for breaking news, analysis and more.</p></div>
<nav class="post-nav"><a rel="prev" href="/news/previous">Previous article: Council approves budget for new parks</a> <a rel="next" href="/news/next">Next article: Local team wins regional final</a></nav>
</article>
<section class="comments"><h3>Comments (12)</h3><div class="comment"><p>Great reporting, thanks for keeping us informed.</p></div></section>
</main>
<aside class="sidebar"><h3>Most read</h3><ol><li><a href="/a">Five ways to save on energy bills</a></li><li><a href="/b">Weekend weather: sun and showers</a></li></ol></aside>
<footer><p>&copy; 2026 {html.escape(outlet['name'])}. All rights reserved.</p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a> <a href="/cookies">Cookie settings</a></footer>
</body>
</html>
"""


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "data", "sample")
    outlets = {o["slug"]: o for o in OUTLETS}
    n = 0
    for sid, slugs in CARRIES.items():
        for k, slug in enumerate(slugs):
            url, doc = page(outlets[slug], sid, STORIES[sid], n)
            d = os.path.join(out, "pages", slug)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, sid + ".html"), "w", encoding="utf-8") as f:
                f.write(doc)
            n += 1
    for sid, slug in NEGATIVE_OUTLET.items():
        url, doc = page(outlets[slug], sid, NEGATIVES[sid], n)
        with open(os.path.join(out, "pages", slug, sid + ".html"), "w", encoding="utf-8") as f:
            f.write(doc)
        n += 1
    # The agency's own wire, as JSONL with plain text.
    with open(os.path.join(out, "wire.jsonl"), "w", encoding="utf-8") as f:
        for sid, s in STORIES.items():
            f.write(json.dumps({"id": "wire-" + sid, "url": "https://wire.example/" + sid,
                                "title": s["title"], "published": s["date"],
                                "text": "\n\n".join(s["paras"])}) + "\n")
            n += 1
    print(f"wrote {n} documents under {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
