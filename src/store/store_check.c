/*
 * store_check.c - `wirecopy check`: is the database whole, and do its rows
 * agree with each other (wc_store_check, see store.h)?
 *
 * Two kinds of damage. SQLite's own: a page overwritten, a b-tree whose
 * cells run off their page, an index that lost a row; PRAGMA
 * integrity_check finds those (it reads every page and every index), and
 * PRAGMA foreign_key_check the signatures, story profiles and feed entries
 * whose parent row is gone. And wirecopy's: rows that SQLite reads without
 * complaint but that no wirecopy writes, because a cluster's and a story's
 * rows are derived from their members (store_clusters.c,
 * store_stories.c): a document in a cluster that does not exist, a
 * cluster whose size is not its members' count, whose original is not its
 * earliest member or whose times are not its members', a story whose
 * counts are not its clusters', a column of the wrong type, a key hash
 * that is not the hash of its key, a text that is not UTF-8 (ingest
 * repairs every text it stores), a fingerprint or a story profile that
 * does not unpack, or whose exact hash is not its document's content hash.
 *
 * The invariants are the writer's (the clustering index hands every row
 * as it keeps it; original.h's rule picks the original), so each rule
 * here is one that every database written by wirecopy keeps at every
 * commit; they were checked on the dev sets, after merges, reclusters
 * with new settings and migrations from version 3. Deliberately not
 * rules: a story's id naming one of its clusters (a merged story keeps
 * the larger's id), a founding document keeping match kind 0 (a merge
 * moves founders), every document having a signature.
 *
 * Each wirecopy rule is one SQL statement whose rows are the problems,
 * already worded (SQLite's printf), so adding one is adding a line to the
 * table; what SQL cannot see (hashes, packed blobs) is walked in C. All of
 * it runs in one read transaction: a writer committing beside the check
 * is never taken for damage. A rule that damage stops half-way is itself
 * a problem, and the next rule runs.
 *
 * Not here: repairing anything (check only reads), and re-hashing every
 * text (a content hash made by an older normaliser would read as damage).
 */
#include "store_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/fingerprint.h"
#include "wirecopy/story_profile.h"
#include "original.h"
#include "internal.h"

/* Lines of findings PRAGMA integrity_check gives at most (its own default, 100, as text). */
#define CHECK_SQLITE_MAX "100"

struct check {
    wc_store *s;
    wc_problem_fn fn;
    void *ctx;
    wc_store_check_counts *out;
    int64_t of_kind; /* problems found by the rule that runs now */
};

/* One problem: counted, and told unless its rule has told WC_STORE_CHECK_SHOWN already. */
__attribute__((format(printf, 2, 3))) static void tell(struct check *c, const char *fmt, ...)
{
    wc_error e = WC_ERROR_INIT;
    va_list ap;

    c->out->problems++;
    if (c->of_kind++ >= WC_STORE_CHECK_SHOWN)
        return;
    va_start(ap, fmt);
    wc_error_setv(&e, WC_ERR_CORRUPT, fmt, ap);
    va_end(ap);
    if (c->fn)
        c->fn(c->ctx, &e);
}

/* A rule is done: say how many more it found than it told. */
static void rule_done(struct check *c)
{
    wc_error e = WC_ERROR_INIT;

    if (c->of_kind > WC_STORE_CHECK_SHOWN && c->fn) {
        wc_error_set(&e, WC_ERR_CORRUPT, "... and %lld more like the one above",
                     (long long)(c->of_kind - WC_STORE_CHECK_SHOWN));
        c->fn(c->ctx, &e);
    }
    c->of_kind = 0;
}

/*
 * A statement of the check failed with rc. What damage stops is a problem
 * (the check goes on with the next rule); memory, a lock or a failing disk
 * stop the check.
 */
static wc_status failed(struct check *c, int rc, const char *what, wc_error *err)
{
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_INTERRUPT:
    case SQLITE_IOERR:
    case SQLITE_FULL:
        return store_db_error(c->s, rc, err, what);
    default:
        tell(c, "cannot finish %s: %s", what, sqlite3_errmsg(c->s->db));
        return WC_OK;
    }
}

/* --- SQLite's checks --------------------------------------------------------- */

static wc_status check_sqlite(struct check *c, wc_error *err)
{
    static const char sql[] = "PRAGMA integrity_check(" CHECK_SQLITE_MAX ")";
    sqlite3_stmt *q;
    wc_status st = WC_OK;
    int rc = sqlite3_prepare_v2(c->s->db, sql, -1, &q, NULL);

    if (rc != SQLITE_OK)
        return failed(c, rc, "SQLite's integrity check", err);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *line = store_col_text(q, 0);
        /* "ok" when whole; a header names the schema before its findings */
        if (line && strcmp(line, "ok") && strncmp(line, "*** in database ", 16))
            tell(c, "SQLite: %s", line);
    }
    if (rc != SQLITE_DONE)
        st = failed(c, rc, "SQLite's integrity check", err);
    sqlite3_finalize(q);
    rule_done(c);
    return st;
}

static wc_status check_foreign_keys(struct check *c, wc_error *err)
{
    sqlite3_stmt *q;
    wc_status st = WC_OK;
    int rc = sqlite3_prepare_v2(c->s->db, "PRAGMA foreign_key_check", -1, &q, NULL);

    if (rc != SQLITE_OK)
        return failed(c, rc, "the foreign keys", err);
    /* table, rowid (NULL in a WITHOUT ROWID table), parent, fkid */
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *table = store_col_text(q, 0), *parent = store_col_text(q, 2);
        if (sqlite3_column_type(q, 1) == SQLITE_NULL)
            tell(c, "a row of %s refers to a row of %s that does not exist", table ? table : "?",
                 parent ? parent : "?");
        else
            tell(c, "%s row %lld refers to a row of %s that does not exist", table ? table : "?",
                 (long long)sqlite3_column_int64(q, 1), parent ? parent : "?");
    }
    if (rc != SQLITE_DONE)
        st = failed(c, rc, "the foreign keys", err);
    sqlite3_finalize(q);
    rule_done(c);
    return st;
}

/* --- wirecopy's rules, one statement each --------------------------------------- */

/* A column that must be NULL or an integer (a time). */
#define TIME_OK(col) "(" col " IS NULL OR typeof(" col ") = 'integer')"
/* A similarity: NULL or a number in [0, 1]. */
#define SIM_OK(col)                                                                                \
    "(" col " IS NULL OR (typeof(" col ") IN ('real', 'integer') AND " col " BETWEEN 0 AND 1))"
/* A value as SQL writes it, cut to a readable length. */
#define SHOW(col) "substr(quote(" col "), 1, 40)"
/* A time for people: ISO 8601 (UTC), "none" for NULL, else the value as SQL writes it. */
#define SHOW_TIME(col)                                                                             \
    "coalesce(datetime(" col ", 'unixepoch'), CASE WHEN " col                                      \
    " IS NULL THEN 'none' ELSE " SHOW(col) " END)"
/* A member's time for original.h's rule (published, else fetched). */
#define MEMBER_TIME_SQL "coalesce(published_at, fetched_at)"

struct rule {
    const char *what; /* for a rule that cannot finish: "cannot finish <what>" */
    const char *sql;  /* one row per problem, its words in column 0 */
};

/* (clang-format would break the SQL mid-clause; each line here is one clause) */
/* clang-format off */
static const struct rule rules[] = {
    {"the columns of documents",
     "SELECT printf('document %d: %s', id, why) FROM (SELECT id, CASE"
     " WHEN typeof(doc_key) <> 'text' THEN 'its key is ' || " SHOW("doc_key")
     " WHEN typeof(key_hash) <> 'integer' THEN 'its key hash is ' || " SHOW("key_hash")
     " WHEN typeof(content_hash) <> 'blob' OR length(content_hash) <> 16"
     "  THEN 'its content hash is not 16 bytes'"
     " WHEN source IS NOT 'warc' AND source IS NOT 'dir' AND source IS NOT 'jsonl'"
     "  AND source IS NOT 'feed' AND source IS NOT 'page' THEN 'its source is ' || " SHOW("source")
     " WHEN typeof(text) <> 'text' THEN 'its text is ' || " SHOW("text")
     " WHEN typeof(word_count) <> 'integer' OR word_count < 0"
     "  THEN 'its word count is ' || " SHOW("word_count")
     " WHEN typeof(cluster_id) <> 'integer' THEN 'its cluster is ' || " SHOW("cluster_id")
     " WHEN typeof(match_kind) <> 'integer' OR match_kind NOT IN (0, 1, 2)"
     "  THEN 'its match kind is ' || " SHOW("match_kind")
     " WHEN NOT " SIM_OK("similarity") " THEN 'its similarity is ' || " SHOW("similarity")
     " WHEN NOT " SIM_OK("match_similarity")
     "  THEN 'its match similarity is ' || " SHOW("match_similarity")
     " WHEN NOT " TIME_OK("fetched_at") " THEN 'its fetch time is ' || " SHOW("fetched_at")
     " WHEN NOT " TIME_OK("published_at")
     "  THEN 'its publication time is ' || " SHOW("published_at")
     " WHEN NOT " TIME_OK("modified_at")
     "  THEN 'its modification time is ' || " SHOW("modified_at")
     " WHEN typeof(added_at) <> 'integer' THEN 'its time of storing is ' || " SHOW("added_at")
     " END AS why FROM documents) WHERE why IS NOT NULL"},
    {"the columns of clusters",
     "SELECT printf('cluster %d: %s', id, why) FROM (SELECT id, CASE"
     " WHEN typeof(rep_id) <> 'integer' THEN 'its original is ' || " SHOW("rep_id")
     " WHEN typeof(size) <> 'integer' OR size < 1 THEN 'its size is ' || " SHOW("size")
     " WHEN NOT " TIME_OK("first_seen") " THEN 'its first time is ' || " SHOW("first_seen")
     " WHEN NOT " TIME_OK("last_seen") " THEN 'its last time is ' || " SHOW("last_seen")
     " WHEN story_id IS NOT NULL AND typeof(story_id) <> 'integer'"
     "  THEN 'its story is ' || " SHOW("story_id")
     " WHEN story_id IS NOT NULL AND (story_similarity IS NULL OR NOT " SIM_OK("story_similarity") ")"
     "  THEN 'its similarity to its story is ' || " SHOW("story_similarity")
     " END AS why FROM clusters) WHERE why IS NOT NULL"},
    {"that every document's cluster exists",
     "SELECT printf('document %d is in cluster %s, which does not exist', d.id, "
     SHOW("d.cluster_id") ")"
     " FROM documents d WHERE NOT EXISTS (SELECT 1 FROM clusters c WHERE c.id = d.cluster_id)"},
    {"the sizes of clusters",
     "SELECT printf('cluster %d: its size is %d but %d document%s in it', id, size, n,"
     "  CASE WHEN n = 1 THEN ' is' ELSE 's are' END)"
     " FROM (SELECT c.id, c.size,"
     "  (SELECT count(*) FROM documents d WHERE d.cluster_id = c.id) AS n FROM clusters c)"
     " WHERE n <> size"},
    {"the founders of clusters",
     "SELECT CASE WHEN d.id IS NULL"
     "  THEN printf('cluster %d: the document that founded it (%d) does not exist', c.id, c.id)"
     "  ELSE printf('cluster %d: the document that founded it (%d) is in cluster %s', c.id, c.id, "
     SHOW("d.cluster_id") ") END"
     " FROM clusters c LEFT JOIN documents d ON d.id = c.id"
     " WHERE d.id IS NULL OR d.cluster_id IS NOT c.id"},
    {"the originals of clusters",
     "SELECT CASE"
     " WHEN d.id IS NULL THEN printf('cluster %d: its original, document %s, does not exist',"
     "  c.id, " SHOW("c.rep_id") ")"
     " WHEN d.cluster_id IS NOT c.id THEN printf('cluster %d: its original, document %d, is in"
     " cluster %s', c.id, d.id, " SHOW("d.cluster_id") ")"
     " ELSE printf('cluster %d: its original is document %d, but its earliest member is document"
     " %d', c.id, c.rep_id, e) END"
     " FROM (SELECT c.*, (SELECT id FROM documents WHERE cluster_id = c.id"
     "  ORDER BY " ORIGINAL_ORDER_SQL " LIMIT 1) AS e FROM clusters c) c"
     " LEFT JOIN documents d ON d.id = c.rep_id"
     " WHERE d.id IS NULL OR d.cluster_id IS NOT c.id OR (e IS NOT NULL AND e <> c.rep_id)"},
    {"the times of clusters",
     "SELECT printf('cluster %d: first and last seen %s and %s, but its members say %s and %s',"
     "  id, " SHOW_TIME("first_seen") ", " SHOW_TIME("last_seen") ","
     "  " SHOW_TIME("t0") ", " SHOW_TIME("t1") ")"
     " FROM (SELECT c.id, c.first_seen, c.last_seen,"
     "  (SELECT " MEMBER_TIME_SQL " FROM documents d WHERE d.id = c.rep_id) AS t0,"
     "  (SELECT max(" MEMBER_TIME_SQL ") FROM documents d WHERE d.cluster_id = c.id) AS t1"
     "  FROM clusters c)"
     " WHERE first_seen IS NOT t0 OR last_seen IS NOT t1"},
    {"that every cluster's story exists",
     "SELECT printf('cluster %d is placed in story %s, which does not exist', c.id, "
     SHOW("c.story_id") ")"
     " FROM clusters c WHERE c.story_id IS NOT NULL"
     " AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = c.story_id)"},
    {"the story profiles of clusters",
     "SELECT printf('cluster %d is placed in story %d but has no story profile', c.id, c.story_id)"
     " FROM clusters c WHERE c.story_id IS NOT NULL"
     " AND NOT EXISTS (SELECT 1 FROM story_profiles p WHERE p.doc_id = c.id)"
     " AND NOT EXISTS (SELECT 1 FROM story_profiles p WHERE p.doc_id = c.rep_id)"},
    {"the columns of stories",
     "SELECT printf('story %d: %s', id, why) FROM (SELECT id, CASE"
     " WHEN typeof(clusters) <> 'integer' OR clusters < 1"
     "  THEN 'its cluster count is ' || " SHOW("clusters")
     " WHEN typeof(size) <> 'integer' OR size < 1 THEN 'its size is ' || " SHOW("size")
     " WHEN NOT " TIME_OK("first_seen") " THEN 'its first time is ' || " SHOW("first_seen")
     " WHEN NOT " TIME_OK("last_seen") " THEN 'its last time is ' || " SHOW("last_seen")
     " END AS why FROM stories) WHERE why IS NOT NULL"},
    {"the counts of stories",
     "SELECT printf('story %d: its row says %s cluster%s of %s document%s, but %d cluster%s of %d"
     " document%s %s placed in it', id, quote(clusters), CASE WHEN clusters = 1 THEN '' ELSE 's'"
     "  END, quote(size), CASE WHEN size = 1 THEN '' ELSE 's' END, n, CASE WHEN n = 1 THEN ''"
     "  ELSE 's' END, docs, CASE WHEN docs = 1 THEN '' ELSE 's' END, CASE WHEN n = 1 THEN 'is'"
     "  ELSE 'are' END)"
     " FROM (SELECT s.id, s.clusters, s.size,"
     "  (SELECT count(*) FROM clusters c WHERE c.story_id = s.id) AS n,"
     "  (SELECT coalesce(sum(c.size), 0) FROM clusters c WHERE c.story_id = s.id) AS docs"
     "  FROM stories s)"
     " WHERE n IS NOT clusters OR docs IS NOT size"},
    {"the times of stories",
     "SELECT printf('story %d: first and last seen %s and %s, but its clusters say %s and %s',"
     "  id, " SHOW_TIME("first_seen") ", " SHOW_TIME("last_seen") ","
     "  " SHOW_TIME("t0") ", " SHOW_TIME("t1") ")"
     " FROM (SELECT s.id, s.first_seen, s.last_seen,"
     "  (SELECT min(c.first_seen) FROM clusters c WHERE c.story_id = s.id) AS t0,"
     "  (SELECT max(c.last_seen) FROM clusters c WHERE c.story_id = s.id) AS t1"
     "  FROM stories s)"
     " WHERE first_seen IS NOT t0 OR last_seen IS NOT t1"},
};
/* clang-format on */

static wc_status run_rule(struct check *c, const struct rule *r, wc_error *err)
{
    sqlite3_stmt *q;
    wc_status st = WC_OK;
    int rc = sqlite3_prepare_v2(c->s->db, r->sql, -1, &q, NULL);

    if (rc != SQLITE_OK)
        return failed(c, rc, r->what, err);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *m = store_col_text(q, 0);
        tell(c, "%s", m ? m : "a row the check cannot name");
    }
    if (rc != SQLITE_DONE)
        st = failed(c, rc, r->what, err);
    sqlite3_finalize(q);
    rule_done(c);
    return st;
}

/* --- what SQL cannot see: hashes and packed blobs ---------------------------------- */

/*
 * The fingerprint settings the signatures were made under (meta), into p;
 * false when there are none to read (a problem told when signatures exist).
 */
static bool fingerprint_params(struct check *c, wc_fp_params *p, wc_error *err, wc_status *st)
{
    char *text = NULL;
    wc_error e = WC_ERROR_INIT;
    bool ok = false;

    *st = wc_store_meta_get(c->s, WC_STORE_META_FPRINT, &text, &e);
    if (*st == WC_ERR_CORRUPT || *st == WC_ERR_DB) {
        tell(c, "cannot read the fingerprint settings: %s", e.msg);
        *st = WC_OK;
    } else if (*st) {
        wc_error_set(err, *st, "%s", e.msg);
    } else if (text && wc_fp_params_parse(text, strlen(text), p, &e) != WC_OK) {
        tell(c, "the fingerprint settings in meta do not read: %s", e.msg);
    } else if (text) {
        ok = true;
    }
    free(text);
    return ok;
}

/*
 * Every document's key hash against its key, its text for UTF-8, and its
 * fingerprint (when it has one): it unpacks under the stored settings, and
 * its exact hash is the document's content hash.
 */
static wc_status check_documents(struct check *c, wc_error *err)
{
    static const char sql[] = "SELECT d.id, d.doc_key, d.key_hash, d.content_hash, s.fprint, "
                              "s.doc_id IS NOT NULL, d.text FROM documents d "
                              "LEFT JOIN signatures s ON s.doc_id = d.id";
    wc_fp_params p;
    wc_fprint fp;
    sqlite3_stmt *q;
    wc_status st;
    bool have_params = fingerprint_params(c, &p, err, &st), told = false;
    int rc;

    rule_done(c);
    if (st)
        return st;
    if ((rc = sqlite3_prepare_v2(c->s->db, sql, -1, &q, NULL)) != SQLITE_OK)
        return failed(c, rc, "the documents' hashes and fingerprints", err);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        long long id = (long long)sqlite3_column_int64(q, 0);
        const char *key = store_col_text(q, 1);
        const void *hash = sqlite3_column_blob(q, 3), *blob = sqlite3_column_blob(q, 4);
        size_t n = (size_t)sqlite3_column_bytes(q, 4);
        wc_error e = WC_ERROR_INIT;

        /* the columns' types are the rule above's: only what they hold is checked here */
        if (key && sqlite3_column_type(q, 2) == SQLITE_INTEGER &&
            (uint64_t)sqlite3_column_int64(q, 2) != wc_store_key_hash(key))
            tell(c, "document %lld: its key hash is not the hash of its key", id);
        /* stored text is UTF-8 (ingest repairs what is not): a byte that breaks it is damage */
        if (sqlite3_column_type(q, 6) == SQLITE_TEXT &&
            !wc_utf8_valid(store_col_text(q, 6), (size_t)sqlite3_column_bytes(q, 6)))
            tell(c, "document %lld: its text is not UTF-8 (bytes of it are damaged)", id);
        if (!sqlite3_column_int(q, 5))
            continue; /* no signature: allowed */
        if (!have_params) {
            if (!told)
                tell(c,
                     "document %lld has a fingerprint but the database has no fingerprint "
                     "settings to read it with",
                     id);
            told = true;
        } else if (wc_fprint_unpack(blob ? blob : "", n, &p, &fp, &e) != WC_OK) {
            tell(c, "the fingerprint of document %lld does not unpack: %s", id, e.msg);
        } else if (hash && sqlite3_column_bytes(q, 3) == (int)sizeof(fp.exact) &&
                   memcmp(hash, fp.exact, sizeof(fp.exact))) {
            tell(c, "document %lld: its content hash is not the one in its fingerprint", id);
        }
    }
    st = rc == SQLITE_DONE ? WC_OK : failed(c, rc, "the documents' hashes and fingerprints", err);
    sqlite3_finalize(q);
    rule_done(c);
    return st;
}

static wc_status check_profiles(struct check *c, wc_error *err)
{
    wc_story_profile pr;
    sqlite3_stmt *q;
    wc_status st;
    int rc =
        sqlite3_prepare_v2(c->s->db, "SELECT doc_id, profile FROM story_profiles", -1, &q, NULL);

    if (rc != SQLITE_OK)
        return failed(c, rc, "the story profiles", err);
    wc_story_profile_init(&pr);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(q, 1);
        size_t n = (size_t)sqlite3_column_bytes(q, 1);
        wc_error e = WC_ERROR_INIT;

        wc_status ust = wc_story_profile_unpack(blob ? blob : "", n, &pr, &e);

        if (ust == WC_ERR_NOMEM) {
            rc = SQLITE_NOMEM;
            break;
        }
        if (ust)
            tell(c, "the story profile of document %lld does not unpack: %s",
                 (long long)sqlite3_column_int64(q, 0), e.msg);
    }
    wc_story_profile_release(&pr);
    st = rc == SQLITE_DONE ? WC_OK : failed(c, rc, "the story profiles", err);
    sqlite3_finalize(q);
    rule_done(c);
    return st;
}

/* --- the whole check ------------------------------------------------------------- */

static wc_status count_rows(struct check *c, const char *sql, int64_t *out, wc_error *err)
{
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(c->s->db, sql, -1, &q, NULL);
    wc_status st = WC_OK;

    if (rc != SQLITE_OK)
        return failed(c, rc, "counting rows", err);
    if ((rc = sqlite3_step(q)) == SQLITE_ROW)
        *out = sqlite3_column_int64(q, 0);
    else
        st = failed(c, rc, "counting rows", err);
    sqlite3_finalize(q);
    rule_done(c);
    return st;
}

wc_status wc_store_check(wc_store *s, wc_problem_fn fn, void *ctx, wc_store_check_counts *out,
                         wc_error *err)
{
    struct check c = {s, fn, ctx, out, 0};
    wc_status st;
    size_t i;

    memset(out, 0, sizeof(*out));
    /* one snapshot for every rule: a writer's commit in between would look like damage */
    if ((st = store_exec(s, "BEGIN", err, "starting the check")))
        return st;
    if (!(st = check_sqlite(&c, err)) && !(st = check_foreign_keys(&c, err)))
        for (i = 0; i < WC_ARRAY_SIZE(rules) && !st; i++)
            st = run_rule(&c, &rules[i], err);
    if (!st)
        st = check_documents(&c, err);
    if (!st)
        st = check_profiles(&c, err);
    if (!st && !(st = count_rows(&c, "SELECT count(*) FROM documents", &out->documents, err)) &&
        !(st = count_rows(&c, "SELECT count(*) FROM clusters", &out->clusters, err)))
        st = count_rows(&c, "SELECT count(*) FROM stories", &out->stories, err);
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL); /* a read: nothing to lose */
    if (st)
        return st;
    if (out->problems)
        return wc_error_set(err, WC_ERR_CORRUPT, "database '%s' is damaged: %lld problem%s found",
                            s->path, (long long)out->problems, out->problems == 1 ? "" : "s");
    return WC_OK;
}
