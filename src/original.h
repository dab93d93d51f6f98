/*
 * original.h - which member of a cluster is its original: the ordering
 * rule, in the one place both of its forms live.
 *
 * A cluster has two distinguished members with two jobs. The anchor is
 * the index's fullest member (cluster.c): newcomers are judged against
 * it. The original is the earliest member, the likely source of the
 * others: people are shown it first (the clusters.rep_id column and the
 * is_original views keep their first names for compatibility), and every
 * member's similarity is kept against it. "Earliest" means, in order:
 *
 *   1. a dated member comes before an undated one, where a member's time
 *      is its published time, else its fetch time (original_time);
 *   2. the earlier time first;
 *   3. at equal times the member with more words: a cut copy is derived
 *      from the full text of the same moment, not the other way round;
 *   4. then the smaller document id: the first stored.
 *
 * The rule has two forms because it runs in two languages: C in the
 * cluster index, which keeps each cluster's original as documents arrive
 * so the ingest writer never reads a cluster back, and SQL in the store,
 * which lists a cluster's members earliest first. Both are here, side by
 * side; test_ingest checks every stored row against a third statement of
 * the rule (its own), and test_store the listing order.
 */
#ifndef WC_ORIGINAL_H
#define WC_ORIGINAL_H

#include <stdbool.h>
#include <stdint.h>

/* No time (internal.h's WC_TIME_NONE, which this header may not include: it comes last). */
#define ORIGINAL_UNDATED INT64_MIN

/* A document's time for the rule: published, else fetched; ORIGINAL_UNDATED when neither. */
static inline int64_t original_time(int64_t published_at, int64_t fetched_at)
{
    return published_at != ORIGINAL_UNDATED ? published_at : fetched_at;
}

/* Does document a (time ta, wa words, id a) come before document b in the rule? */
static inline bool original_before(int64_t ta, uint64_t wa, int64_t a, int64_t tb, uint64_t wb,
                                   int64_t b)
{
    if ((ta == ORIGINAL_UNDATED) != (tb == ORIGINAL_UNDATED))
        return ta != ORIGINAL_UNDATED;
    if (ta != tb)
        return ta < tb;
    if (wa != wb)
        return wa > wb;
    return a < b;
}

/* The same rule as an SQL ORDER BY over documents' columns. */
#define ORIGINAL_ORDER_SQL                                                                         \
    "coalesce(published_at, fetched_at) IS NULL, coalesce(published_at, fetched_at), "             \
    "word_count DESC, id"

#endif
