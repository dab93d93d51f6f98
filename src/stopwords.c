/*
 * stopwords.c - words, and the function words of ten languages: the base
 * layer's word counts and language guess, for the extractor (prose against
 * boilerplate) and the story profile (what is not a content word).
 *
 * Why stopwords. Article prose is full of function words ("the", "of",
 * "und", "que"): in running English about four tokens in ten are such
 * words, while navigation, teasers, tag lists and share labels ("Home |
 * World | Sports", "Share on Facebook") have almost none. jusText
 * (Pomikálek, "Removing Boilerplate and Duplicate Content from Web
 * Corpora", 2011) showed that this density separates body text from
 * boilerplate better than length alone, with one list per language. The
 * lists below are our own, short (the most frequent function words: the
 * head of the Zipf curve carries most of the density), so the thresholds
 * in extract/extract_score.c are set for them, not for jusText's long
 * lists.
 *
 * Tokens follow the evaluation's \w+ closely: runs of letters and digits;
 * ASCII punctuation, apostrophes (' and U+2019), Latin-1 symbols, general
 * punctuation, CJK punctuation and emoji separate words. Case is folded
 * for ASCII, Latin-1 and Cyrillic before the lookup.
 *
 * The lookup table is built once per process (pthread_once) and only read
 * afterwards, so concurrent extractions share it safely.
 */
#include "stopwords.h"

#include <pthread.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "internal.h"

#include "internal.h"

/* Space-separated lists, lower case, UTF-8. */
static const char sw_en[] =
    "a about above after again against all almost along already also although always am "
    "among an and another any anyone anything are around as at back be became because become "
    "been before being below between both but by came can cannot could d did do does doing "
    "done down during each either else enough even ever every few for from further get gets "
    "got had has have having he her here hers herself him himself his how however i if in "
    "into is it its itself just last least less like ll m made make many may me might more "
    "most much must my myself never no nor not now of off often on once one only or other "
    "others our ours out over own per perhaps quite rather re s said same says see seen she "
    "should since so some something still such t than that the their theirs them themselves "
    "then there these they thing things this those though through thus to too toward "
    "towards under until up upon us ve very via was way we well were what whatever when "
    "where whether which while who whole whom whose why will with within without would yet "
    "you your yours yourself don doesn didn isn wasn aren weren won can couldn wouldn "
    "shouldn hasn haven hadn ain";
static const char sw_de[] =
    "aber alle allem allen aller alles als also am an andere anderen anderer anders auch auf "
    "aus bei beim bereits bin bis bist bleibt da dabei dadurch dafür damit dann daran darauf "
    "darin darum das dass daß dazu dem den denen denn der deren des deshalb dessen die dies "
    "diese diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines "
    "einige einmal er es etwa etwas euch für gegen gewesen habe haben hat hatte hatten hier "
    "hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im immer in ins ist ja jede "
    "jedoch jetzt kann kein keine keinen können könnte man mehr mein meine mich mir mit muss "
    "müssen nach nicht nichts noch nun nur ob oder ohne schon sehr sei sein seine seinem "
    "seinen seiner seit selbst sich sie sind so soll sollen sollte sondern sowie um und uns "
    "unser unsere unter viel viele vom von vor wann war waren warum was weil weiter welche "
    "welcher wenn wer werden wie wieder will wir wird wo wurde wurden würde zu zum zur zwar "
    "zwei zwischen über";
static const char sw_fr[] =
    "a afin ai ainsi alors après as au aucun aussi autre autres aux avait avaient avant avec "
    "avoir c car ce ceci cela celle celles celui cependant ces cet cette ceux chaque chez "
    "comme comment d dans de depuis des deux dit doit donc dont du elle elles en encore "
    "entre est et été être eu eux fait faire fois font il ils j je jusqu l la le les leur "
    "leurs lors lorsque lui m ma mais me même mes moins mon n ne ni nos notre nous on ont ou "
    "où par parce pas pendant peu peut peuvent plus plusieurs pour pourquoi qu quand que "
    "quel quelle quelles quels qui quoi s sa sans se selon ses si son sont sous sur t ta "
    "tandis te tes toujours tous tout toute toutes très tu un une vers voici vos votre vous "
    "y à ça déjà était étaient";
static const char sw_es[] =
    "a al algo algunos ante antes aquí así aunque cada como con contra cual cuales cuando "
    "de del desde donde dos durante e el ella ellas ello ellos en entre era eran es esa "
    "esas ese eso esos esta estaba estado están estar este esto estos fue fueron gran ha "
    "había habían han hasta hay hace hacia la las le les lo los luego mas me mientras mismo "
    "mucho muy más mí ni no nos nosotros o otra otras otro otros para pero poco por porque "
    "puede pueden pues que quien quienes qué se sea ser si sido siempre sin sino sobre solo "
    "son su sus también tan tanto te tiene tienen toda todas todo todos tras tu tus un una "
    "unas uno unos y ya yo él ésta sólo según dijo";
static const char sw_it[] =
    "a ad agli ai al alla alle allo anche ancora avere aveva c che chi ci come con cosa cui "
    "d da dai dal dall dalla dalle degli dei del dell della delle dello di dopo dove due e "
    "ed era erano essere fa fare fatto fino fra gli ha hanno i il in io l la le lei li lo "
    "loro lui ma mi molto ne negli nei nel nell nella nelle nello noi non nostro o ogni per "
    "perché però più poi proprio può qualche quando quanto quella quelle quelli quello "
    "questa queste questi questo se sei sembra senza si sia siamo solo sono stata stati "
    "stato su sua sue sugli sui sul sull sulla suo suoi tra tutte tutti tutto un una uno "
    "vi voi è già così";
static const char sw_pt[] =
    "a ainda além algumas alguns ao aos apenas as assim até cada com como contra da das de "
    "depois desde deve diz disse do dos e ela elas ele eles em entre era essa esse esta "
    "está estão este eu foi foram há isso isto já lhe mais mas me mesmo muito na nas nem "
    "no nos num numa não o os ou para pela pelas pelo pelos pode podem por porque quando "
    "que quem se segundo sem ser seu seus sobre sua suas são também tem têm ter todos uma "
    "umas um uns à às é só vai sido ainda onde qual outro outra outros";
static const char sw_nl[] =
    "aan al alle als altijd ben bij daar dan dat de deze die dit door dus een eens en er "
    "ge geen geweest haar had hadden heb hebben heeft hem het hier hij hoe hun iets ik in "
    "is ja je kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog nu "
    "of om omdat ons onze ook op over reeds te tegen toch toen tot u uit uw van veel voor "
    "want waren was wat we wel werd werden wie wij wordt worden zal ze zei zelf zich zij "
    "zijn zo zonder zou";
static const char sw_sv[] =
    "alla allt andra att av bara blev blir de dem den denna deras dess det detta dig din "
    "dit du där då efter eller en er ett fick finns från får för ha hade han hans har hela "
    "hennes hon honom hur här i inte inom jag kan kommer man med mellan men mer mig min "
    "mot mycket ni nu när någon något och om oss på samma sedan sig sin sina sitt skulle "
    "som så säger till under upp ut utan vad var vara varit vi vid vilka vilket än är även "
    "över";
static const char sw_pl[] =
    "a aby ale bardzo bez by być był była było były będzie czy dla do gdy gdzie go ich ile "
    "im innych jak jako jednak jego jej jest jeszcze jeśli już kiedy które który która "
    "których lub ma mają może można mu na nad nie nich niż o od oraz po pod podczas przed "
    "przez przy się są ta tak także tam te tego tej ten też to tu tym w we więc z za ze "
    "że żeby";
static const char sw_ru[] =
    "а без бы был была были было быть в вам вас весь во вот все всего всех вы где да даже "
    "для до его ее если есть еще же за здесь и из или им их к как когда кто ли либо между "
    "меня мне может мы на над нас не него нее нет ни них но ну о об однако он она они оно "
    "от очень по под после при про с со так также такой там то тоже только том тот у уже "
    "чем что чтобы эта эти это этого этой этом этот я который которая которое которые "
    "которого которой которых котором которым свой своя своё свои своего своей своих "
    "будет будут ещё всё уже более около";

/*
 * How dense function words are in each language's prose, next to English
 * (1.0): Slavic languages have no articles and pack grammar into endings,
 * so their prose shows fewer of them and the thresholds scale down.
 */
static const double densities[WC_NLANG] = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.75, 0.65};

double wc_lang_stop_scale(int lang)
{
    return lang >= 0 && lang < WC_NLANG ? densities[lang] : 1.0;
}

static const char *const lists[WC_NLANG] = {sw_en, sw_de, sw_fr, sw_es, sw_it,
                                            sw_pt, sw_nl, sw_sv, sw_pl, sw_ru};
static const char *const codes[WC_NLANG] = {"en", "de", "fr", "es", "it",
                                            "pt", "nl", "sv", "pl", "ru"};

/* Open-addressing table of every listed word: 2^12 slots for ~1,500 words. */
#define SW_SLOTS 4096
#define SW_MAX_WORD 24

struct sw_slot {
    const char *w; /* into one of the lists (not NUL-terminated there) */
    uint8_t len;
    uint16_t langs; /* bit per language */
};

static struct sw_slot sw_table[SW_SLOTS];
static size_t sw_counts[WC_NLANG];
static pthread_once_t sw_once = PTHREAD_ONCE_INIT;

static uint32_t hash_word(const char *w, size_t len)
{
    return (uint32_t)XXH3_64bits(w, len);
}

static void sw_insert(const char *w, size_t len, int lang)
{
    uint32_t i = hash_word(w, len) & (SW_SLOTS - 1);

    for (;;) {
        struct sw_slot *s = &sw_table[i];
        if (!s->w) {
            s->w = w;
            s->len = (uint8_t)len;
            s->langs = (uint16_t)(1u << lang);
            sw_counts[lang]++;
            return;
        }
        if (s->len == len && !memcmp(s->w, w, len)) {
            if (!(s->langs & (1u << lang)))
                sw_counts[lang]++;
            s->langs |= (uint16_t)(1u << lang);
            return;
        }
        i = (i + 1) & (SW_SLOTS - 1);
    }
}

static void sw_build(void)
{
    int l;

    for (l = 0; l < WC_NLANG; l++) {
        const char *p = lists[l];
        while (*p) {
            const char *e = p;
            while (*e && *e != ' ')
                e++;
            if (e > p && e - p <= SW_MAX_WORD)
                sw_insert(p, (size_t)(e - p), l);
            p = *e ? e + 1 : e;
        }
    }
}

static uint16_t sw_langs(const char *w, size_t len)
{
    uint32_t i;

    if (len > SW_MAX_WORD)
        return 0;
    i = hash_word(w, len) & (SW_SLOTS - 1);
    for (;;) {
        const struct sw_slot *s = &sw_table[i];
        if (!s->w)
            return 0;
        if (s->len == len && !memcmp(s->w, w, len))
            return s->langs;
        i = (i + 1) & (SW_SLOTS - 1);
    }
}

bool wc_is_stopword(int lang, const char *w, size_t len)
{
    pthread_once(&sw_once, sw_build);
    if (lang < 0 || lang >= WC_NLANG)
        return false;
    return (sw_langs(w, len) >> lang) & 1;
}

size_t wc_stopword_count(int lang)
{
    pthread_once(&sw_once, sw_build);
    return lang >= 0 && lang < WC_NLANG ? sw_counts[lang] : 0;
}

const char *wc_lang_code(int lang)
{
    return lang >= 0 && lang < WC_NLANG ? codes[lang] : NULL;
}

int wc_lang_from_code(const char *p, size_t len)
{
    int l;

    if (len < 2 || (len > 2 && p[2] != '-' && p[2] != '_'))
        return WC_LANG_NONE;
    for (l = 0; l < WC_NLANG; l++)
        if (wc_mem_istarts(p, 2, codes[l]))
            return l;
    return WC_LANG_NONE;
}

/*
 * Length of the separator or word character at s (n > 0 bytes left);
 * *word is true when it belongs to a word.
 */
static size_t char_kind(const unsigned char *s, size_t n, bool *word)
{
    unsigned char c = s[0];

    if (c < 0x80) {
        *word = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
        return 1;
    }
    if (c == 0xC2) { /* U+0080-U+00BF: Latin-1 punctuation and symbols */
        *word = n >= 2 && (s[1] == 0xAA || s[1] == 0xB5 || s[1] == 0xBA);
        return n >= 2 ? 2 : 1;
    }
    if (c == 0xC3) { /* × and ÷ are symbols, the rest letters */
        *word = !(n >= 2 && (s[1] == 0x97 || s[1] == 0xB7));
        return n >= 2 ? 2 : 1;
    }
    if (c == 0xE2) { /* U+2000-U+2BFF: punctuation, symbols, arrows, dingbats */
        *word = false;
        return n >= 3 ? 3 : n;
    }
    if (c == 0xE3 && n >= 2 && s[1] == 0x80) { /* CJK punctuation */
        *word = false;
        return n >= 3 ? 3 : n;
    }
    if (c == 0xEF && n >= 3 && s[1] == 0xBC && s[2] <= 0x8F) { /* fullwidth punctuation */
        *word = false;
        return 3;
    }
    if (c == 0xF0 && n >= 2 && s[1] == 0x9F) { /* emoji */
        *word = false;
        return n >= 4 ? 4 : n;
    }
    *word = c >= 0xC0 || (c >= 0x80 && c < 0xC0); /* letters of other scripts */
    if (c >= 0xF0)
        return n >= 4 ? 4 : n;
    if (c >= 0xE0)
        return n >= 3 ? 3 : n;
    if (c >= 0xC0)
        return n >= 2 ? 2 : 1;
    return 1;
}

/*
 * char_kind() with ASCII read inline, branch-free (most text is ASCII):
 * bit c of the masks is set for the word characters 0-9, A-Z, '_', a-z.
 */
static inline size_t char_kind_fast(const unsigned char *s, size_t n, bool *word)
{
    static const uint64_t low = 0x03FF000000000000ULL;  /* '0'-'9' (0x30-0x39) */
    static const uint64_t high = 0x07FFFFFE87FFFFFEULL; /* 'A'-'Z', '_', 'a'-'z' (0x40-0x7F) */
    unsigned char c = s[0];

    if (c < 0x80) {
        *word = ((c < 64 ? low >> c : high >> (c - 64)) & 1) != 0;
        return 1;
    }
    return char_kind(s, n, word);
}

/* Lower-case one word into out (SW_MAX_WORD bytes); false when too long. */
static bool fold_word(const unsigned char *w, size_t len, char *out, size_t *olen)
{
    size_t i, o = 0;

    if (len > SW_MAX_WORD)
        return false;
    for (i = 0; i < len; i++) {
        unsigned char c = w[i];
        if (c >= 'A' && c <= 'Z') {
            out[o++] = (char)(c + 32);
        } else if (c == 0xC3 && i + 1 < len && w[i + 1] >= 0x80 && w[i + 1] <= 0x9E &&
                   w[i + 1] != 0x97) {
            out[o++] = (char)c;
            out[o++] = (char)(w[++i] + 0x20);
        } else if (c == 0xD0 && i + 1 < len && w[i + 1] >= 0x90 && w[i + 1] <= 0x9F) {
            out[o++] = (char)0xD0;
            out[o++] = (char)(w[++i] + 0x20);
        } else if (c == 0xD0 && i + 1 < len && w[i + 1] >= 0xA0 && w[i + 1] <= 0xAF) {
            out[o++] = (char)0xD1;
            out[o++] = (char)(w[++i] - 0x20);
        } else if (c == 0xD0 && i + 1 < len && w[i + 1] == 0x81) {
            out[o++] = (char)0xD1;
            out[o++] = (char)0x91;
            i++;
        } else {
            out[o++] = (char)c;
        }
    }
    *olen = o;
    return true;
}

void wc_words_count(const char *p, size_t len, uint32_t *words, uint16_t lang_stops[WC_NLANG])
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;
    uint32_t nw = 0;

    pthread_once(&sw_once, sw_build);
    if (lang_stops)
        memset(lang_stops, 0, WC_NLANG * sizeof(*lang_stops));
    while (i < len) {
        bool word;
        size_t k = char_kind_fast(s + i, len - i, &word), start;
        if (!word) {
            i += k;
            continue;
        }
        start = i;
        while (i < len) {
            k = char_kind_fast(s + i, len - i, &word);
            if (!word)
                break;
            i += k;
        }
        nw++;
        if (lang_stops && i - start <= SW_MAX_WORD) {
            char low[SW_MAX_WORD * 2];
            size_t ll;
            uint16_t m;
            if (fold_word(s + start, i - start, low, &ll) && (m = sw_langs(low, ll))) {
                int l;
                for (l = 0; l < WC_NLANG; l++)
                    if ((m >> l) & 1 && lang_stops[l] < UINT16_MAX)
                        lang_stops[l]++;
            }
        }
    }
    *words = nw;
}

size_t wc_count_words(const char *p, size_t len)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0, n = 0;
    bool in = false;

    while (i < len) {
        bool word;
        i += char_kind(s + i, len - i, &word);
        if (word && !in)
            n++;
        in = word;
    }
    return n;
}
