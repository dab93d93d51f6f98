/*
 * store_docs.c - the rows of documents and their fingerprints (see
 * store.h; the tables come from migration 1 in store.c).
 *
 * What the ingest writer and recluster write: a document's row and its
 * packed fingerprint in one INSERT pair, its similarity to its cluster's
 * original when the original changes, its cluster when clusters are
 * rebuilt; and the three scans that start a run (every key hash, every
 * fingerprint with its cluster, every text for re-fingerprinting). Nothing
 * here reads one document back.
 *
 * Design notes:
 *  - A document's id is chosen by the caller (one more than the largest
 *    stored), so the writer knows it before the INSERT and the in-memory
 *    index and the rows agree without reading anything back.
 *  - The key hash (xxh3-64 of doc_key) is indexed instead of the key: an
 *    8-byte integer B-tree, which start-up reads whole from the index
 *    alone (wc_store_each_key), never touching the document rows.
 *  - The bulk scans prepare their own statement and run to the end or
 *    until the callback stops them; the per-row statements are prepared
 *    once per handle into this file's range of s->st[].
 */
#include "store_internal.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "internal.h"

enum doc_stmt {
    ST_NEXT_ID,
    ST_INSERT_DOC,
    ST_INSERT_SIG,
    ST_SET_CLUSTER,
    ST_SET_SIM,
    ST_SET_FPRINT,
    ST_SET_WORDS,
    ST_DOCS_COUNT
};

_Static_assert(STORE_ST_DOCS + ST_DOCS_COUNT <= STORE_ST_CLUSTERS,
               "grow the documents' range of wc_store.st in store_internal.h");

static const char *const doc_sql[ST_DOCS_COUNT] = {
    [ST_NEXT_ID] = "SELECT coalesce(max(id), 0) + 1 FROM documents",
    [ST_INSERT_DOC] =
        "INSERT INTO documents(id, doc_key, key_hash, content_hash, source, origin, origin_offset, "
        "origin_line, origin_id, feed_id, url, canonical_url, fetched_at, published_at, "
        "modified_at, title, author, site, lang, description, image, text, word_count, "
        "cluster_id, match_kind, match_similarity, similarity, added_at) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
        "?20, ?21, ?22, ?23, ?24, ?25, ?26, ?28, ?27)",
    [ST_INSERT_SIG] = "INSERT INTO signatures(doc_id, fprint) VALUES (?1, ?2)",
    [ST_SET_CLUSTER] = "UPDATE documents SET cluster_id = ?2, match_kind = ?3, "
                       "match_similarity = ?4, similarity = ?5 WHERE id = ?1",
    [ST_SET_SIM] = "UPDATE documents SET similarity = ?2 WHERE id = ?1",
    [ST_SET_FPRINT] = "INSERT INTO signatures(doc_id, fprint) VALUES (?1, ?2) "
                      "ON CONFLICT(doc_id) DO UPDATE SET fprint = excluded.fprint",
    [ST_SET_WORDS] = "UPDATE documents SET word_count = ?2 WHERE id = ?1 AND word_count <> ?2",
};

/* documents.match_kind holds wc_match_kind's values (migration 1 names them) */
_Static_assert(WC_MATCH_NEW == 0 && WC_MATCH_EXACT == 1 && WC_MATCH_NEAR == 2,
               "wc_match_kind's values are stored in documents.match_kind");

static sqlite3_stmt *stmt(wc_store *s, enum doc_stmt id, wc_error *err)
{
    return store_prepare(s, &s->st[STORE_ST_DOCS + id], doc_sql[id], err);
}

static int64_t key_hash(const char *key)
{
    return (int64_t)XXH3_64bits(key, strlen(key));
}

uint64_t wc_store_key_hash(const char *doc_key)
{
    return (uint64_t)key_hash(doc_key);
}

wc_status wc_store_each_key(wc_store *s, wc_store_key_fn fn, void *ctx, wc_error *err)
{
    sqlite3_stmt *q;
    wc_status st = WC_OK;
    int rc;

    rc = sqlite3_prepare_v2(s->db, "SELECT id, key_hash FROM documents INDEXED BY documents_key",
                            -1, &q, NULL);
    if (rc != SQLITE_OK)
        return store_db_error(s, rc, err, "reading document keys");
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        st = fn(ctx, sqlite3_column_int64(q, 0), (uint64_t)sqlite3_column_int64(q, 1));
        if (st)
            break;
    }
    if (!st && rc != SQLITE_DONE)
        st = store_db_error(s, rc, err, "reading document keys");
    sqlite3_finalize(q);
    return st;
}

wc_status wc_store_next_doc_id(wc_store *s, int64_t *out, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_NEXT_ID, err);
    int rc;

    if (!q)
        return err ? err->code : WC_ERR_DB;
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(q, 0);
    store_done(q);
    return rc == SQLITE_ROW ? WC_OK : store_db_error(s, rc, err, "reading document ids");
}

wc_status wc_store_insert_doc(wc_store *s, const wc_doc *d, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_INSERT_DOC, err), *sig;
    wc_status st;

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, d->id);
    sqlite3_bind_text(q, 2, d->doc_key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, key_hash(d->doc_key));
    sqlite3_bind_blob(q, 4, d->content_hash, 16, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, wc_source_name(d->source), -1, SQLITE_STATIC);
    store_bind_text(q, 6, d->origin);
    if (d->origin_offset || d->source == WC_SOURCE_WARC)
        sqlite3_bind_int64(q, 7, (int64_t)d->origin_offset);
    if (d->origin_line)
        sqlite3_bind_int64(q, 8, (int64_t)d->origin_line);
    store_bind_text(q, 9, d->origin_id);
    if (d->feed_id)
        sqlite3_bind_int64(q, 10, d->feed_id);
    store_bind_text(q, 11, d->url);
    store_bind_text(q, 12, d->canonical_url);
    store_bind_time(q, 13, d->fetched_at);
    store_bind_time(q, 14, d->published_at);
    store_bind_time(q, 15, d->modified_at);
    store_bind_text(q, 16, d->title);
    store_bind_text(q, 17, d->author);
    store_bind_text(q, 18, d->site);
    store_bind_text(q, 19, d->lang);
    store_bind_text(q, 20, d->description);
    store_bind_text(q, 21, d->image);
    sqlite3_bind_text(q, 22, d->text, (int)d->text_len, SQLITE_STATIC);
    sqlite3_bind_int64(q, 23, (int64_t)d->word_count);
    sqlite3_bind_int64(q, 24, d->cluster_id);
    sqlite3_bind_int(q, 25, (int)d->match_kind); /* the enum's values are the stored codes */
    sqlite3_bind_double(q, 26, d->match_similarity);
    sqlite3_bind_int64(q, 27, wc_time_now());
    sqlite3_bind_double(q, 28, d->similarity);
    if ((st = store_run(s, q, err, "storing a document")))
        return st;
    if (!d->fprint)
        return WC_OK;
    sig = stmt(s, ST_INSERT_SIG, err);
    if (!sig)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(sig, 1, d->id);
    sqlite3_bind_blob(sig, 2, d->fprint, (int)d->fprint_len, SQLITE_STATIC);
    return store_run(s, sig, err, "storing a fingerprint");
}

wc_status wc_store_set_doc_cluster(wc_store *s, int64_t doc_id, int64_t cluster_id,
                                   wc_match_kind kind, double match_similarity, double similarity,
                                   wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_SET_CLUSTER, err);

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, doc_id);
    sqlite3_bind_int64(q, 2, cluster_id);
    sqlite3_bind_int(q, 3, (int)kind);
    sqlite3_bind_double(q, 4, match_similarity);
    sqlite3_bind_double(q, 5, similarity);
    return store_run(s, q, err, "assigning a cluster");
}

wc_status wc_store_set_similarity(wc_store *s, int64_t doc_id, double similarity, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_SET_SIM, err);

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, doc_id);
    sqlite3_bind_double(q, 2, similarity);
    return store_run(s, q, err, "storing a similarity");
}

wc_status wc_store_set_fprint(wc_store *s, int64_t doc_id, const void *blob, size_t len,
                              uint32_t words, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_SET_FPRINT, err);
    wc_status st;

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, doc_id);
    sqlite3_bind_blob(q, 2, blob, (int)len, SQLITE_STATIC);
    if ((st = store_run(s, q, err, "storing a fingerprint")))
        return st;
    if (!(q = stmt(s, ST_SET_WORDS, err)))
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, doc_id);
    sqlite3_bind_int64(q, 2, (int64_t)words);
    return store_run(s, q, err, "storing a word count");
}

wc_status wc_store_each_fprint(wc_store *s, bool with_time, wc_store_fprint_fn fn, void *ctx,
                               wc_error *err)
{
    sqlite3_stmt *q;
    wc_status st = WC_OK;
    int rc;

    /* without times, (id, cluster_id) come from a covering index, not the document rows */
    rc = sqlite3_prepare_v2(s->db,
                            with_time ? "SELECT s.doc_id, d.cluster_id, s.fprint, "
                                        "coalesce(d.published_at, d.fetched_at) FROM signatures s "
                                        "JOIN documents d ON d.id = s.doc_id ORDER BY s.doc_id"
                                      : "SELECT s.doc_id, d.cluster_id, s.fprint, NULL FROM "
                                        "signatures s JOIN documents d INDEXED BY "
                                        "documents_id_cluster ON d.id = s.doc_id ORDER BY s.doc_id",
                            -1, &q, NULL);
    if (rc != SQLITE_OK)
        return store_db_error(s, rc, err, "reading fingerprints");
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        st = fn(ctx, sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1), store_col_time(q, 3),
                sqlite3_column_blob(q, 2), (size_t)sqlite3_column_bytes(q, 2));
        if (st)
            break;
    }
    if (!st && rc != SQLITE_DONE)
        st = store_db_error(s, rc, err, "reading fingerprints");
    sqlite3_finalize(q);
    return st;
}

wc_status wc_store_each_text(wc_store *s, wc_store_text_fn fn, void *ctx, wc_error *err)
{
    sqlite3_stmt *q;
    wc_status st = WC_OK;
    int rc;

    rc = sqlite3_prepare_v2(s->db, "SELECT id, text FROM documents ORDER BY id", -1, &q, NULL);
    if (rc != SQLITE_OK)
        return store_db_error(s, rc, err, "reading texts");
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *t = store_col_text(q, 1);
        st = fn(ctx, sqlite3_column_int64(q, 0), t ? t : "", (size_t)sqlite3_column_bytes(q, 1));
        if (st)
            break;
    }
    if (!st && rc != SQLITE_DONE)
        st = store_db_error(s, rc, err, "reading texts");
    sqlite3_finalize(q);
    return st;
}
