/*
 * ingest_slot.c - one record on its way through the ingest pipeline: what
 * the worker, the assigner and the writer each do to a slot of the ring
 * (ingest.c runs the ring and the threads; ingest_internal.h is what the
 * two share).
 *
 *   worker    an HTML page is extracted (wc_extract_html; a feed entry's
 *             own content, a fragment, with wc_extract_fragment), a
 *             plain-text record cleaned (clean_text); what the record and
 *             the feed entry say of it travels into extraction as data
 *             (wc_article_known), where one precedence table decides the
 *             title, author, site and time; the text is fingerprinted and
 *             the fingerprint packed as it will be stored;
 *   assigner  the record's identity (doc_key: its own id, else its URL,
 *             else where it was) and exact hash answer "already
 *             stored?" from the key set; a new document gets the next id
 *             and its cluster from the index, with the rows to write: its
 *             cluster's row, the clusters it absorbed, and (settle) the
 *             members' similarities when an original moved;
 *   writer    the document (the article as decided) and the rows are
 *             written as handed, inside the open transaction. Bad records are reported and counted,
 *             never fatal.
 *
 * Everything here runs on the thread that owns the slot at that stage;
 * what it shares with the other threads (counters, the transaction flag)
 * it touches under the run's mutex.
 */
#define _GNU_SOURCE
#include "ingest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/url.h"
#include "original.h"
#include "store/store_writer.h"
#include "internal.h"

/* --- slots --------------------------------------------------------------------- */

void ingest_slot_init(struct slot *sl, size_t record_cap)
{
    memset(sl, 0, sizeof(*sl));
    wc_buf_init(&sl->origin_id, SLOT_FIELD_CAP);
    wc_buf_init(&sl->url, SLOT_FIELD_CAP);
    wc_buf_init(&sl->title, SLOT_FIELD_CAP);
    wc_buf_init(&sl->charset, SLOT_FIELD_CAP);
    wc_buf_init(&sl->body, record_cap);
    wc_buf_init(&sl->extra_buf, 3 * SLOT_FIELD_CAP); /* a feed entry's title, author and site */
    wc_buf_init(&sl->text, SLOT_TEXT_CAP);
    wc_buf_init(&sl->blob, SLOT_BLOB_CAP);
    wc_buf_init(&sl->key, SLOT_KEY_CAP);
    wc_buf_init(&sl->prof, SLOT_PROFILE_CAP);
    wc_story_profile_init(&sl->pr);
    wc_article_init(&sl->art);
}

void ingest_slot_release(struct slot *sl)
{
    wc_buf_release(&sl->origin_id);
    wc_buf_release(&sl->url);
    wc_buf_release(&sl->title);
    wc_buf_release(&sl->charset);
    wc_buf_release(&sl->body);
    wc_buf_release(&sl->extra_buf);
    wc_buf_release(&sl->text);
    wc_buf_release(&sl->blob);
    wc_buf_release(&sl->key);
    wc_buf_release(&sl->prof);
    wc_story_profile_release(&sl->pr);
    free(sl->absorbed);
    free(sl->sims);
    wc_article_release(&sl->art);
}

/* A buffer grown past SLOT_KEEP_BYTES goes back to the allocator (its cap stays). */
static void buf_trim(wc_buf *b)
{
    if (b->cap > SLOT_KEEP_BYTES)
        wc_buf_release(b);
}

/*
 * What a stored slot keeps until the ring comes round to it again (511
 * records later): buffers of at most SLOT_KEEP_BYTES, no article. Done by
 * the writer before it frees the slot; without it every slot ends up
 * holding the largest record it has seen, and the queue cap bounds
 * nothing (512 x the record size: 1 GB held after 600 records of 1 MiB).
 */
void ingest_slot_trim(struct slot *sl)
{
    buf_trim(&sl->body);
    buf_trim(&sl->text);
    buf_trim(&sl->blob);
    buf_trim(&sl->origin_id);
    buf_trim(&sl->url);
    buf_trim(&sl->title);
    buf_trim(&sl->charset);
    buf_trim(&sl->extra_buf);
    buf_trim(&sl->key);
    buf_trim(&sl->prof);
    /* few slots carry similarities (one in `batch`, or when caught up): none keeps a list */
    free(sl->sims);
    sl->sims = NULL;
    sl->sims_cap = 0;
    sl->nsims = 0;
    wc_article_release(&sl->art);
}

/* --- worker -------------------------------------------------------------------- */

/*
 * A plain-text record as stored: valid UTF-8 (repaired only when needed),
 * trimmed, CR dropped, trailing blanks of lines removed, and runs of blank
 * lines collapsed to one paragraph break. Copies whole lines, not bytes.
 */
static wc_status clean_text(wc_buf *out, wc_buf *tmp, const char *p, size_t len)
{
    wc_status st;
    const char *end, *nl;
    size_t breaks = 0;

    wc_buf_reset(out);
    if (!wc_utf8_valid(p, len) || memchr(p, '\0', len)) {
        wc_buf_reset(tmp);
        if ((st = wc_utf8_sanitize(tmp, p, len, NULL)))
            return st;
        p = tmp->buf;
        len = tmp->len;
    }
    wc_mem_trim(&p, &len);
    end = p + len;
    while (p < end) {
        const char *line_end;
        nl = memchr(p, '\n', (size_t)(end - p));
        line_end = nl ? nl : end;
        /* the line without CRs and blanks at its end */
        const char *e = line_end;
        while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e == p) {
            breaks++;
        } else {
            if (out->len && (st = wc_buf_add(out, "\n\n", breaks > 1 ? 2 : 1)))
                return st;
            if ((st = wc_buf_add(out, p, (size_t)(e - p))))
                return st;
            breaks = 1;
        }
        p = nl ? nl + 1 : end;
    }
    return WC_OK;
}

/* The record's story profile, packed, from the text the worker kept (the article's or the
   cleaned plain text). */
static wc_status profile(wc_story_profiler *prof, struct slot *sl, wc_error *err)
{
    wc_story_input in;
    wc_status st;

    in.title = sl->art.title;
    in.title_len = sl->art.title ? strlen(sl->art.title) : 0;
    if (sl->is_html) {
        in.text = sl->art.text;
        in.text_len = sl->art.text_len;
    } else {
        in.text = sl->text.buf;
        in.text_len = sl->text.len;
    }
    in.lang = sl->art.lang;
    in.published_at = sl->art.published_at;
    if ((st = wc_story_profile_make(prof, &in, &sl->pr, err)))
        return st;
    wc_buf_reset(&sl->prof);
    if ((st = wc_story_profile_pack(&sl->pr, &sl->prof)))
        return wc_error_set(err, st, "cannot pack the story profile");
    sl->has_profile = true;
    return WC_OK;
}

void ingest_profile(wc_story_profiler *prof, struct slot *sl)
{
    wc_error err = WC_ERROR_INIT;

    (void)profile(prof, sl, &err); /* has_profile says */
}

void ingest_process(struct worker *w, struct slot *sl)
{
    wc_article_known known;
    const char *text;
    size_t len;
    wc_status st;

    if (sl->call || sl->rejected)
        return; /* nothing to compute: the writer runs it, or reports it */

    wc_error_clear(&sl->err);
    wc_article_release(&sl->art);
    /* what is known beside the bytes: the record's fields and the feed entry's */
    wc_article_known_init(&known);
    known.url = buf_get(&sl->url, sl->has_url);
    known.record.title = buf_get(&sl->title, sl->has_title);
    known.record.published_at = sl->published_at;
    known.entry = sl->extra.entry;
    if (sl->is_html) {
        wc_extract_opts eo = {NULL, buf_get(&sl->charset, sl->has_charset), &known};
        st = sl->source == WC_SOURCE_FEED /* an entry's own content: no page around it */
                 ? wc_extract_fragment(sl->body.buf, sl->body.len, &eo, &sl->art, &sl->err)
                 : wc_extract_html(sl->body.buf, sl->body.len, &eo, &sl->art, &sl->err);
        if (st) {
            sl->status = st;
            return;
        }
        text = sl->art.text;
        len = sl->art.text_len;
    } else {
        if ((st = clean_text(&sl->text, &sl->blob, sl->body.buf, sl->body.len))) {
            sl->status = wc_error_set(&sl->err, st, "text too large");
            return;
        }
        text = sl->text.buf;
        len = sl->text.len;
        if (!len) {
            sl->status = WC_ERR_EMPTY;
            return;
        }
        /* no page: the metadata is the record's and the entry's, by the same table */
        if ((st = wc_article_merge_known(&sl->art, &known))) {
            sl->status = wc_error_set(&sl->err, st, "out of memory");
            return;
        }
    }
    st = wc_fp_compute(w->fpw, text, len, &sl->fp, &sl->err);
    if (!st) {
        wc_buf_reset(&sl->blob);
        st = wc_fprint_pack(&sl->fp, &sl->blob);
    }
    sl->status = st;
}

/* --- a record's identity and time ----------------------------------------- */

/* The identity of an input item: the input's own id, else its URL, else where it was. */
static wc_status doc_key(struct slot *sl, const char *url)
{
    wc_buf *k = &sl->key;

    wc_buf_reset(k);
    if (sl->has_origin_id)
        return wc_buf_addf(k, "id:%s", sl->origin_id.buf);
    if (url)
        return wc_buf_addf(k, "url:%s", url);
    if (sl->line)
        return wc_buf_addf(k, "%s:%llu", sl->origin, (unsigned long long)sl->line);
    return wc_buf_addf(k, "%s@%llu", sl->origin, (unsigned long long)sl->offset);
}

/* --- assigner ------------------------------------------------------------------ */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* Copy a match into the slot, with its own copy of the merged clusters. */
static wc_status keep_match(struct slot *sl, const wc_match *m, wc_error *err)
{
    sl->m = *m;
    if (m->nabsorbed > sl->absorbed_cap) {
        int64_t *v = realloc(sl->absorbed, m->nabsorbed * sizeof(*v));
        if (!v)
            return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        sl->absorbed = v;
        sl->absorbed_cap = m->nabsorbed;
    }
    if (m->nabsorbed)
        memcpy(sl->absorbed, m->absorbed, m->nabsorbed * sizeof(*sl->absorbed));
    sl->m.absorbed = sl->absorbed;
    return WC_OK;
}

/* Remember that cluster_id's original changed (settle hands its members' similarities on). */
static wc_status note_dirty(wc_ingest *ing, int64_t cluster_id, wc_error *err)
{
    if (ing->ndirty == ing->dirty_cap) {
        size_t cap = ing->dirty_cap ? ing->dirty_cap * 2 : 256;
        int64_t *v = realloc(ing->dirty, cap * sizeof(*v));
        if (!v)
            return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        ing->dirty = v;
        ing->dirty_cap = cap;
    }
    ing->dirty[ing->ndirty++] = cluster_id;
    return WC_OK;
}

/*
 * Decide what becomes of one processed record: already stored (the same
 * key and text), or a new document with its id and cluster. Only records
 * that carry a fingerprint need it; the rest pass through to the writer.
 */
static wc_status assign_slot(wc_ingest *ing, struct slot *sl, wc_error *err)
{
    uint64_t key;
    wc_match m;
    wc_status st;

    sl->already = false;
    sl->need_profile = sl->has_profile = false;
    if (sl->call || sl->status)
        return WC_OK;
    if ((st = doc_key(sl, buf_get(&sl->url, sl->has_url))))
        return wc_error_set(err, st, "out of memory");
    key = wc_store_key_hash(sl->key.buf);
    if ((sl->found = wc_keyset_find(ing->keys, key, text_bits(&sl->fp)))) {
        sl->already = true;
        return WC_OK;
    }
    sl->time = original_time(sl->art.published_at, sl->fetched_at);
    if ((st = wc_cluster_assign(ing->index, ing->next_id, &sl->fp, sl->time, &m, err)) ||
        (st = keep_match(sl, &m, err)) ||
        (st = wc_keyset_add(ing->keys, key, text_bits(&sl->fp), ing->next_id, err)))
        return st;
    if (wc_cluster_index_cluster(ing->index, m.cluster_id, &sl->row) != WC_OK)
        return wc_error_set(err, WC_ERR_CORRUPT, "document %lld lost its cluster",
                            (long long)ing->next_id);
    if (m.original_changed && (st = note_dirty(ing, m.cluster_id, err)))
        return st;
    sl->doc_id = ing->next_id++;
    /* a founder's profile is its cluster's; a copy's would be thrown away (ing->stories is set
       before the threads start) */
    sl->need_profile = ing->stories && m.kind == WC_MATCH_NEW;
    return WC_OK;
}

/* A member's new similarity into the slot's list (wc_cluster_member_fn). */
static wc_status add_sim(void *ctx, int64_t doc_id, double similarity)
{
    struct slot *sl = ctx;

    if (sl->nsims == sl->sims_cap) {
        size_t cap = sl->sims_cap ? sl->sims_cap * 2 : 64;
        struct sim_update *v = realloc(sl->sims, cap * sizeof(*v));
        if (!v)
            return WC_ERR_NOMEM;
        sl->sims = v;
        sl->sims_cap = cap;
    }
    sl->sims[sl->nsims].doc_id = doc_id;
    sl->sims[sl->nsims++].similarity = similarity;
    return WC_OK;
}

static int cmp_sim(const void *a, const void *b)
{
    const struct sim_update *x = a, *y = b;

    return (x->doc_id > y->doc_id) - (x->doc_id < y->doc_id);
}

/*
 * After slot sl was assigned: settle what is owed to the rows. A new
 * member's similarity and its cluster's row travel with it; but when a
 * cluster's original changes (an earlier member arrives, or clusters
 * merge), every member's similarity to it changes. Those clusters are
 * noted (note_dirty) and their members' similarities handed to the writer
 * with one slot, in a list (sims, by doc id), once per cluster however
 * often its original moved meanwhile: when the assigner has caught up
 * with the reader (caught_up: no slot waits behind this one), or at a
 * transaction boundary (ingest_tx_boundary, every `batch` slots). The
 * writer commits only after a settled slot, so every
 * transaction holds rows that equal what their members define. It can
 * always commit when it catches up: the last slot it stored was settled,
 * because no slot waited behind it when it was assigned either.
 */
static wc_status settle(wc_ingest *ing, struct slot *sl, bool caught_up, wc_error *err)
{
    size_t i;
    wc_status st;

    sl->nsims = 0;
    sl->settled = true;
    if (!ing->ndirty)
        return WC_OK;
    if (!caught_up && !ingest_tx_boundary(ing, sl)) {
        sl->settled = false;
        return WC_OK;
    }
    wc_qsort(ing->dirty, ing->ndirty, sizeof(*ing->dirty), cmp_i64);
    for (i = 0; i < ing->ndirty; i++) {
        if (i && ing->dirty[i] == ing->dirty[i - 1])
            continue;
        st = wc_cluster_index_members(ing->index, ing->dirty[i], add_sim, sl);
        if (st == WC_ERR_NOMEM)
            return wc_error_set(err, st, "out of memory");
        if (st && st != WC_ERR_NOTFOUND) /* not found: absorbed since, by a cluster noted too */
            return wc_error_set(err, st, "cannot list the members of cluster %lld",
                                (long long)ing->dirty[i]);
    }
    wc_qsort(sl->sims, sl->nsims, sizeof(*sl->sims),
             cmp_sim); /* the writer's updates in id order */
    ing->ndirty = 0;
    return WC_OK;
}

wc_status ingest_assign(wc_ingest *ing, struct slot *sl, bool caught_up, wc_error *err)
{
    wc_status st = assign_slot(ing, sl, err);

    return st ? st : settle(ing, sl, caught_up, err);
}

/* --- writer ---------------------------------------------------------------------- */

static void report_problem(wc_ingest *ing, struct slot *sl)
{
    wc_error e = WC_ERROR_INIT;
    char where[64];

    if (sl->line)
        snprintf(where, sizeof(where), "line %llu", (unsigned long long)sl->line);
    else
        snprintf(where, sizeof(where), "offset %llu", (unsigned long long)sl->offset);
    wc_error_set(&e, sl->status, "%s in '%s' at %s%s%s",
                 sl->err.msg[0] ? sl->err.msg : wc_strerror(sl->status), sl->origin, where,
                 sl->has_url ? " (" : "", sl->has_url ? sl->url.buf : "");
    if (sl->has_url && strlen(e.msg) + 1 < sizeof(e.msg))
        memcpy(e.msg + strlen(e.msg), ")", 2);
    if (ing->opts.on_problem)
        ing->opts.on_problem(ing->opts.problem_ctx, &e);
}

static void deliver(wc_ingest *ing, struct slot *sl, wc_status status, int64_t doc_id,
                    int64_t cluster_id, bool already, wc_match_kind kind)
{
    wc_ingest_result r = {sl->user, status, doc_id, cluster_id, already, kind};

    if (ing->opts.on_result)
        ing->opts.on_result(ing->opts.result_ctx, &r);
}

static wc_status begin_tx(wc_ingest *ing, wc_error *err)
{
    wc_status st;

    if (ing->in_tx)
        return WC_OK;
    if ((st = wc_store_begin(ing->store, err)))
        return st;
    pthread_mutex_lock(&ing->mu);
    ing->in_tx = true;
    pthread_mutex_unlock(&ing->mu);
    ing->tx_started = wc_time_mono();
    return WC_OK;
}

/*
 * The story side of a stored document: a cluster it founded waits to be
 * placed (its profile is stored now), a cluster it joined grows, clusters
 * it merged merge their stories; ingest_story.c does each at the end of the
 * transaction. A cluster from a run without stories has none: it is placed
 * like a new one, with this member's profile (ingest_new rebuilt the
 * stories of an older database, so that is only a cluster made since).
 */
static wc_status place_story(wc_ingest *ing, struct slot *sl, const wc_doc *d, wc_error *err)
{
    const wc_match *m = &sl->m;
    wc_status st;

    if (m->kind != WC_MATCH_NEW &&
        (wc_story_of(ing->stories, m->cluster_id) || ingest_story_pending(ing, m->cluster_id)))
        return ingest_story_grow(ing, m->cluster_id, sl->time, d->published_at, m->absorbed,
                                 m->nabsorbed, err);
    if (!sl->has_profile) {
        /* a worker's profiling failed (memory), or this copy joined a cluster made without
           stories: the writer makes it (only memory can fail it again, which stops the run) */
        if (!ing->wprof && (st = wc_story_profiler_new(NULL, &ing->wprof, err)))
            return st;
        if ((st = profile(ing->wprof, sl, err)))
            return st;
    }
    if ((st = wc_store_put_story_profile(ing->store, d->id, sl->prof.buf, sl->prof.len, err)) ||
        (st = ingest_story_defer(ing, m->cluster_id, sl, err)))
        return st;
    if (ing->pend_buf.len > INGEST_PENDING_BYTES)
        return ingest_story_settle(ing, err); /* a very large batch: place what waits now */
    return WC_OK;
}

static wc_status store_slot(wc_ingest *ing, struct slot *sl, wc_error *err)
{
    const wc_article *a = &sl->art;
    const char *url;
    wc_match m;
    wc_doc d;
    wc_status st;

    if (sl->astatus) {
        *err = sl->aerr;
        return sl->astatus;
    }
    if (sl->call) {
        if ((st = begin_tx(ing, err)) || (st = ingest_story_settle(ing, err)))
            return st;
        return sl->call(sl->call_ctx, ing->store, err);
    }
    if (sl->status == WC_ERR_EMPTY) {
        pthread_mutex_lock(&ing->mu);
        ing->stats.skipped++;
        ing->stats.not_articles++;
        pthread_mutex_unlock(&ing->mu);
        if (ing->opts.report_empty)
            report_problem(ing, sl);
        deliver(ing, sl, WC_ERR_EMPTY, 0, 0, false, WC_MATCH_NEW);
        return WC_OK;
    }
    if (sl->status) {
        report_problem(ing, sl);
        pthread_mutex_lock(&ing->mu);
        ing->stats.errors++;
        pthread_mutex_unlock(&ing->mu);
        deliver(ing, sl, sl->status, 0, 0, false, WC_MATCH_NEW);
        return WC_OK;
    }
    if (sl->already) {
        pthread_mutex_lock(&ing->mu);
        ing->stats.already++;
        pthread_mutex_unlock(&ing->mu);
        deliver(ing, sl, WC_OK, sl->found, 0, true, WC_MATCH_NEW);
        return WC_OK;
    }
    if ((st = begin_tx(ing, err)))
        return st;
    url = buf_get(&sl->url, sl->has_url);
    m = sl->m;
    memset(&d, 0, sizeof(d));
    /* the article's metadata was decided by extract's precedence table (process()) */
    d.id = sl->doc_id;
    d.doc_key = sl->key.buf;
    d.source = sl->source;
    d.origin = sl->origin;
    d.origin_offset = sl->offset;
    d.origin_line = sl->line;
    d.origin_id = buf_get(&sl->origin_id, sl->has_origin_id);
    d.feed_id = sl->extra.feed_id;
    d.canonical_url = a->canonical_url;
    /* a page read from a folder has no URL of its own: its canonical URL says where it lives */
    d.url = url ? url : d.canonical_url;
    d.fetched_at = sl->fetched_at;
    d.published_at = a->published_at;
    d.modified_at = a->modified_at;
    d.title = a->title;
    d.author = a->author;
    d.site = a->site;
    d.lang = a->lang;
    d.description = a->description;
    d.image = a->image;
    d.text = sl->is_html ? a->text : sl->text.buf;
    d.text_len = sl->is_html ? a->text_len : sl->text.len;
    d.word_count = sl->fp.words;
    d.content_hash = sl->fp.exact;
    /* what the index decided: the cluster, how, and the cluster's row as it is now */
    d.cluster_id = m.cluster_id;
    d.match_kind = m.kind;
    d.match_similarity = m.kind == WC_MATCH_NEW ? 1.0 : m.similarity;
    d.similarity = m.original_similarity;
    d.fprint = sl->blob.buf;
    d.fprint_len = sl->blob.len;
    st = wc_store_insert_doc(ing->store, &d, err);
    if (st)
        return st;
    for (size_t i = 0; i < m.nabsorbed; i++)
        if ((st = wc_store_merge_clusters(ing->store, m.absorbed[i], m.cluster_id, err)))
            return st;
    if ((st = wc_store_put_cluster(ing->store, &sl->row, err)))
        return st;
    if (ing->stories && (st = place_story(ing, sl, &d, err)))
        return st;
    ing->tx_docs++;
    pthread_mutex_lock(&ing->mu);
    ing->stats.stored++;
    if (m.kind == WC_MATCH_EXACT) {
        ing->stats.exact++;
        ing->tx_exact++;
    } else if (m.kind == WC_MATCH_NEAR) {
        ing->stats.near++;
        ing->tx_near++;
    }
    pthread_mutex_unlock(&ing->mu);
    deliver(ing, sl, WC_OK, d.id, m.cluster_id, false, m.kind);
    return WC_OK;
}

/* The similarities the assigner handed on with this slot (see settle). */
static wc_status store_sims(wc_ingest *ing, const struct slot *sl, wc_error *err)
{
    wc_status st;
    size_t i;

    if ((st = begin_tx(ing, err)))
        return st;
    for (i = 0; i < sl->nsims; i++)
        if ((st = wc_store_set_similarity(ing->store, sl->sims[i].doc_id, sl->sims[i].similarity,
                                          err)))
            return st;
    return WC_OK;
}

wc_status ingest_store(wc_ingest *ing, struct slot *sl, wc_error *err)
{
    wc_status st = store_slot(ing, sl, err);

    if (!st && sl->nsims)
        st = store_sims(ing, sl, err);
    return st;
}
