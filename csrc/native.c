/* cleaner._native: the hot loops of duplicate detection and of the boilerplate line model.
 *
 * Everything here has a bit-identical pure-Python/numpy twin (cleaner/dedup/kernels.py,
 * which documents the hash definitions; for the line model, `Forest.raw_reference` and
 * `line_features._counts_reference`); each pair is tested against each other. Inputs and
 * outputs are plain buffers (bytes, numpy arrays through the buffer protocol) so this file
 * needs no numpy headers. Pure loops run with the GIL released.
 *
 * Definitions (64-bit arithmetic, wrapping):
 *   mix64(z)       splitmix64 finaliser
 *   word hash      mix64(FNV-1a-64 of the word's UTF-8 bytes)
 *   words          maximal runs of (ch == '_' || Py_UNICODE_ISALNUM(ch)) in text.lower()
 *   shingle hash   mix64(SHINGLE_SEED ^ sum of w[k] * SHINGLE_MULT^(n-1-k)), rolled in O(1)
 *   signature      one-permutation hashing of h = mix64(shingle ^ mix64(seed)):
 *                  bin = ((h >> 32) * num_perm) >> 32, value = low 32 bits, min per bin;
 *                  empty bins filled by optimal densification (Shrivastava 2017)
 *   shingle set    sorted unique low 32 bits of the shingle hashes
 *   exact key      two chained 64-bit hashes of the word hash sequence
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define SHINGLE_SEED 0x9e3779b97f4a7c15ULL
#define SHINGLE_MULT 0xd6e8feb86659fd93ULL
#define EXACT_SEED_A 0x243f6a8885a308d3ULL
#define EXACT_SEED_B 0x13198a2e03707344ULL
#define DENSIFY_SEED 0xa4093822299f31d0ULL
#define EMPTY_BIN 0xffffffffU

static inline uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/* ---------------------------------------------------------------- growable buffers */

typedef struct {
    char *data;
    size_t len;  /* bytes used */
    size_t cap;
} Buf;

static int buf_reserve(Buf *b, size_t extra) {
    if (b->len + extra <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra) cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

static int buf_push(Buf *b, const void *src, size_t n) {
    if (buf_reserve(b, n) < 0) return -1;
    memcpy(b->data + b->len, src, n);
    b->len += n;
    return 0;
}

static PyObject *buf_to_bytes(Buf *b) {
    return PyBytes_FromStringAndSize(b->data ? b->data : "", (Py_ssize_t)b->len);
}

/* ---------------------------------------------------------------- tokeniser */

/* Lower-cased text is scanned without building it: str.lower() is the per-character
 * simple lowercase mapping except for two characters, U+0130 (lowers to two characters)
 * and U+03A3 (final sigma depends on context). A text containing either is "hard": it is
 * lowered by str.lower() itself and scanned again. Tables cover the Latin-1 range. */
static unsigned char WORD_TABLE[256], ALPHA_TABLE[256];
/* ASCII fast path: the lowered character when it is a word character, else 0. */
static unsigned char ASCII_WORD[128];
/* Line-count flags of the first 256 code points (the same predicates, looked up). */
static unsigned char LINE_CHAR[256];
#define LC_LOWER_OR_TITLE 1
#define LC_UPPER 2
#define LC_CAPITAL_START 4
#define LC_SPACE 8

/* What `[^\W\d_a-z]` matches: a word character that is no decimal digit, no `_`, no a-z. */
static inline int is_capital_start(Py_UCS4 c) {
    return Py_UNICODE_ISALNUM(c) && !Py_UNICODE_ISDECIMAL(c) && !(c >= 'a' && c <= 'z');
}

/* The line-count flags of one code point, from Python's own predicates (str.isupper, re). */
static unsigned char line_char_flags(Py_UCS4 c) {
    return (unsigned char)(((Py_UNICODE_ISLOWER(c) || Py_UNICODE_ISTITLE(c)) ? LC_LOWER_OR_TITLE : 0) |
                           (Py_UNICODE_ISUPPER(c) ? LC_UPPER : 0) | (is_capital_start(c) ? LC_CAPITAL_START : 0) |
                           (Py_UNICODE_ISSPACE(c) ? LC_SPACE : 0));
}

static void init_tables(void) {
    for (Py_UCS4 c = 0; c < 256; c++) {
        WORD_TABLE[c] = (unsigned char)(c == '_' || Py_UNICODE_ISALNUM(c));
        ALPHA_TABLE[c] = (unsigned char)(Py_UNICODE_ISALPHA(c) != 0);
    }
    for (Py_UCS4 c = 0; c < 128; c++) {
        unsigned char low = (unsigned char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
        ASCII_WORD[c] = WORD_TABLE[low] ? low : 0;
    }
    for (Py_UCS4 c = 0; c < 256; c++) LINE_CHAR[c] = line_char_flags(c);
}

static inline int is_word_char(Py_UCS4 c) { return c < 256 ? WORD_TABLE[c] : (Py_UNICODE_ISALNUM(c) != 0); }
static inline int is_alpha_char(Py_UCS4 c) { return c < 256 ? ALPHA_TABLE[c] : (Py_UNICODE_ISALPHA(c) != 0); }

static inline uint64_t fnv_utf8(uint64_t h, Py_UCS4 ch) {
    if (ch < 0x80) return (h ^ ch) * FNV_PRIME;
    unsigned char bytes[4];
    int n;
    if (ch < 0x800) {
        bytes[0] = (unsigned char)(0xc0 | (ch >> 6));
        bytes[1] = (unsigned char)(0x80 | (ch & 0x3f));
        n = 2;
    } else if (ch < 0x10000) {
        bytes[0] = (unsigned char)(0xe0 | (ch >> 12));
        bytes[1] = (unsigned char)(0x80 | ((ch >> 6) & 0x3f));
        bytes[2] = (unsigned char)(0x80 | (ch & 0x3f));
        n = 3;
    } else {
        bytes[0] = (unsigned char)(0xf0 | (ch >> 18));
        bytes[1] = (unsigned char)(0x80 | ((ch >> 12) & 0x3f));
        bytes[2] = (unsigned char)(0x80 | ((ch >> 6) & 0x3f));
        bytes[3] = (unsigned char)(0x80 | (ch & 0x3f));
        n = 4;
    }
    for (int i = 0; i < n; i++) h = (h ^ bytes[i]) * FNV_PRIME;
    return h;
}

typedef struct {
    PyObject *obj;  /* owned reference */
    int kind;
    const void *data;
    Py_ssize_t len;
    int lowered;    /* data is already lower-cased */
} Text;

typedef struct {
    int64_t words;
    int64_t alpha_words;
    int64_t word_chars;
} WordStats;

#define TOK_HARD 1


/* Classify a non-ASCII character: -1 hard text, 0 separator, else 1 (+2 when alphabetic);
 * `*low` receives the lowered character. */
static inline int classify_wide(Py_UCS4 ch, int lowered, Py_UCS4 *low) {
    Py_UCS4 c = ch;
    if (!lowered) {
        if (ch == 0x130 || ch == 0x3A3) return -1;
        c = Py_UNICODE_TOLOWER(ch);
    }
    *low = c;
    if (c < 128) return ASCII_WORD[c] ? 1 + 2 * (c >= 'a') : 0;
    if (!is_word_char(c)) return 0;
    return 1 + 2 * is_alpha_char(c);
}

/* Append the word hashes of one text to `out` (uint64) and count them in `st`.
 * Returns 0, TOK_HARD (nothing appended) or -1 (out of memory). In ASCII, a word
 * character is alphabetic iff its lowered form is >= 'a' (digits and '_' sort below). */
#define DEFINE_TOKENIZE(NAME, CT)                                                              \
    static int NAME(const CT *data, Py_ssize_t len, int lowered, Buf *out, WordStats *st) {   \
        size_t mark = out->len;                                                                \
        if (buf_reserve(out, (size_t)(len / 2 + 1) * 8) < 0) return -1;                        \
        uint64_t *dst = (uint64_t *)(out->data + out->len);                                    \
        Py_ssize_t i = 0, nw = 0, alpha_words = 0, chars = 0;                                  \
        while (i < len) {                                                                      \
            Py_UCS4 ch = data[i], c;                                                           \
            int cls;                                                                           \
            if (ch < 128) {                                                                    \
                c = ASCII_WORD[ch];                                                            \
                cls = c ? 1 + 2 * (c >= 'a') : 0;                                              \
            } else if ((cls = classify_wide(ch, lowered, &c)) < 0) {                           \
                goto hard;                                                                     \
            }                                                                                  \
            if (!cls) {                                                                        \
                i++;                                                                           \
                continue;                                                                      \
            }                                                                                  \
            uint64_t h = FNV_OFFSET;                                                           \
            int alpha = 2;                                                                     \
            Py_ssize_t start = i;                                                              \
            for (;;) {                                                                         \
                alpha &= cls;                                                                  \
                h = fnv_utf8(h, c);                                                            \
                if (++i >= len) break;                                                         \
                ch = data[i];                                                                  \
                if (ch < 128) {                                                                \
                    c = ASCII_WORD[ch];                                                        \
                    if (!c) break;                                                             \
                    cls = 1 + 2 * (c >= 'a');                                                  \
                } else {                                                                       \
                    cls = classify_wide(ch, lowered, &c);                                      \
                    if (cls < 0) goto hard;                                                    \
                    if (!cls) break;                                                           \
                }                                                                              \
            }                                                                                  \
            dst[nw++] = mix64(h);                                                              \
            alpha_words += alpha >> 1;                                                         \
            chars += i - start;                                                                \
        }                                                                                      \
        out->len += (size_t)nw * 8;                                                            \
        st->words = nw;                                                                        \
        st->alpha_words = alpha_words;                                                         \
        st->word_chars = chars;                                                                \
        return 0;                                                                              \
    hard:                                                                                      \
        out->len = mark;                                                                       \
        return TOK_HARD;                                                                       \
    }

DEFINE_TOKENIZE(tokenize_ucs1, Py_UCS1)
DEFINE_TOKENIZE(tokenize_ucs2, Py_UCS2)
DEFINE_TOKENIZE(tokenize_ucs4, Py_UCS4)

static int tokenize(const Text *t, Buf *out, WordStats *st) {
    switch (t->kind) {
    case PyUnicode_1BYTE_KIND:
        return tokenize_ucs1(t->data, t->len, t->lowered, out, st);
    case PyUnicode_2BYTE_KIND:
        return tokenize_ucs2(t->data, t->len, t->lowered, out, st);
    default:
        return tokenize_ucs4(t->data, t->len, t->lowered, out, st);
    }
}

static void text_set(Text *t, PyObject *obj, int lowered) {
    Py_XSETREF(t->obj, obj);
    t->kind = PyUnicode_KIND(obj);
    t->data = PyUnicode_DATA(obj);
    t->len = PyUnicode_GET_LENGTH(obj);
    t->lowered = lowered;
}

/* Hold a reference to every text (with the GIL) so the scan can run without it. */
static Text *hold_all(PyObject *seq, Py_ssize_t n) {
    Text *texts = calloc((size_t)(n ? n : 1), sizeof(Text));
    if (!texts) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
        if (!PyUnicode_Check(item)) {
            PyErr_Format(PyExc_TypeError, "texts[%zd] is %.80s, not str", i, Py_TYPE(item)->tp_name);
            for (Py_ssize_t k = 0; k < i; k++) Py_XDECREF(texts[k].obj);
            free(texts);
            return NULL;
        }
        Py_INCREF(item);
        text_set(&texts[i], item, 0);
    }
    return texts;
}

/* Replace a hard text by its str.lower() (with the GIL). */
static int lower_text(Text *t) {
    PyObject *low = PyObject_CallMethod(t->obj, "lower", NULL);
    if (!low) return -1;
    text_set(t, low, 1);
    return 0;
}

static void release_all(Text *texts, Py_ssize_t n) {
    if (!texts) return;
    for (Py_ssize_t i = 0; i < n; i++) Py_XDECREF(texts[i].obj);
    free(texts);
}

/* ---------------------------------------------------------------- shingles and sets */

/* Shingle hashes of `nw` words into `out` (ns entries): mix64(SHINGLE_SEED ^ P) where
 * P = sum of w[i+k] * MULT^(gram-1-k) (wrapping), rolled along the text in O(1) per shingle. */
static void shingle_hashes(const uint64_t *w, Py_ssize_t nw, Py_ssize_t ngram, uint64_t *out) {
    if (nw == 0) return;
    Py_ssize_t gram = nw < ngram ? nw : ngram, ns = nw - gram + 1;
    uint64_t top = 1, p = 0;
    for (Py_ssize_t k = 0; k < gram; k++) {
        p = p * SHINGLE_MULT + w[k];
        if (k) top *= SHINGLE_MULT;
    }
    out[0] = mix64(p ^ SHINGLE_SEED);
    for (Py_ssize_t i = 1; i < ns; i++) {
        p = (p - w[i - 1] * top) * SHINGLE_MULT + w[i + gram - 1];
        out[i] = mix64(p ^ SHINGLE_SEED);
    }
}

/* Number of shingles of `nw` words: nw - ngram + 1, one if 0 < nw < ngram, none if nw == 0. */
static inline Py_ssize_t shingle_count(Py_ssize_t nw, Py_ssize_t ngram) {
    if (nw == 0) return 0;
    return nw < ngram ? 1 : nw - ngram + 1;
}

static void radix_sort_u32(uint32_t *a, uint32_t *tmp, size_t n) {
    if (n < 64) {
        for (size_t i = 1; i < n; i++) {
            uint32_t v = a[i];
            size_t j = i;
            while (j > 0 && a[j - 1] > v) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
        return;
    }
    size_t count[4][256];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++) {
        uint32_t v = a[i];
        count[0][v & 255]++;
        count[1][(v >> 8) & 255]++;
        count[2][(v >> 16) & 255]++;
        count[3][v >> 24]++;
    }
    uint32_t *src = a, *dst = tmp;
    for (int pass = 0; pass < 4; pass++) {
        size_t total = 0;
        for (int d = 0; d < 256; d++) {
            size_t c = count[pass][d];
            count[pass][d] = total;
            total += c;
        }
        int shift = 8 * pass;
        for (size_t i = 0; i < n; i++) dst[count[pass][(src[i] >> shift) & 255]++] = src[i];
        uint32_t *t = src;
        src = dst;
        dst = t;
    } /* four passes end back in `a` */
}

static size_t unique_sorted_u32(uint32_t *a, size_t n) {
    if (n == 0) return 0;
    size_t k = 1;
    for (size_t i = 1; i < n; i++)
        if (a[i] != a[k - 1]) a[k++] = a[i];
    return k;
}

/* ---------------------------------------------------------------- one-permutation MinHash */

/* The bin an empty bin `i` copies from on its `attempt`-th probe; depends on nothing else. */
static inline uint32_t densify_probe(uint64_t seedmix, uint32_t i, uint32_t attempt, uint32_t num_perm) {
    uint64_t r = mix64(DENSIFY_SEED ^ seedmix ^ ((uint64_t)i << 32) ^ attempt);
    return (uint32_t)(((r >> 32) * num_perm) >> 32);
}

static void oph_signature(const uint64_t *shingles, Py_ssize_t ns, uint32_t num_perm, uint64_t seedmix,
                          uint32_t *sig, unsigned char *filled) {
    for (uint32_t b = 0; b < num_perm; b++) {
        sig[b] = EMPTY_BIN;
        filled[b] = 0;
    }
    if (ns == 0) return;
    for (Py_ssize_t k = 0; k < ns; k++) {
        uint64_t h = mix64(shingles[k] ^ seedmix);
        uint32_t b = (uint32_t)(((h >> 32) * num_perm) >> 32);
        uint32_t v = (uint32_t)h, cur = sig[b]; /* branch-free: EMPTY_BIN is the largest value */
        sig[b] = v < cur ? v : cur;
        filled[b] = 1;
    }
    for (uint32_t b = 0; b < num_perm; b++) {
        if (filled[b]) continue;
        for (uint32_t attempt = 1;; attempt++) {
            uint32_t j = densify_probe(seedmix, b, attempt, num_perm);
            if (filled[j] == 1) {
                sig[b] = sig[j];
                break;
            }
        }
    }
}

/* ---------------------------------------------------------------- buffers from Python */

static int get_buffer(PyObject *obj, Py_buffer *view, Py_ssize_t itemsize, const char *name) {
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS) < 0) return -1;
    if (view->len % itemsize) {
        PyErr_Format(PyExc_ValueError, "%s: buffer size %zd is not a multiple of %zd", name, view->len, itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- per-text driver */

typedef int (*TextFn)(const Text *t, Py_ssize_t idx, void *ctx);

/* Run `fn` over the texts in order without the GIL; a hard text (see the tokeniser) is
 * lowered with the GIL and run again in place, so outputs stay in input order. */
static int run_texts(Text *texts, Py_ssize_t n, TextFn fn, void *ctx) {
    Py_ssize_t i = 0;
    while (i < n) {
        int rc = 0;
        Py_BEGIN_ALLOW_THREADS
        for (; i < n; i++) {
            rc = fn(&texts[i], i, ctx);
            if (rc != 0) break;
        }
        Py_END_ALLOW_THREADS
        if (i == n) break;
        if (rc < 0) {
            PyErr_NoMemory();
            return -1;
        }
        if (lower_text(&texts[i]) < 0) return -1;
        if (fn(&texts[i], i, ctx) != 0) {
            PyErr_NoMemory();
            return -1;
        }
        i++;
    }
    return 0;
}

/* ---------------------------------------------------------------- sketch() */

typedef struct {
    Py_ssize_t ngram;
    uint32_t num_perm;
    uint64_t seedmix;
    int want_sets;
    int want_sigs;
    Buf words, shingles, sets, tmp;
    uint32_t *sigs;
    uint64_t *exact;
    int64_t *set_offsets;
    int64_t *stats;
    unsigned char *filled;
} SketchCtx;

static void exact_key(const uint64_t *w, Py_ssize_t nw, uint64_t *out) {
    uint64_t a = EXACT_SEED_A, b = EXACT_SEED_B;
    for (Py_ssize_t k = 0; k < nw; k++) {
        a = mix64(a ^ w[k]);
        b = mix64(b ^ rotl64(w[k], 32));
    }
    out[0] = mix64(a ^ (uint64_t)nw);
    out[1] = mix64(b + (uint64_t)nw);
}

static int append_set(SketchCtx *o, const uint64_t *sh, Py_ssize_t ns, Py_ssize_t idx) {
    size_t base = o->sets.len / 4;
    o->tmp.len = 0;
    if (buf_reserve(&o->sets, (size_t)ns * 4) < 0 || buf_reserve(&o->tmp, (size_t)ns * 4) < 0) return -1;
    uint32_t *dst = (uint32_t *)o->sets.data + base;
    for (Py_ssize_t k = 0; k < ns; k++) dst[k] = (uint32_t)sh[k];
    radix_sort_u32(dst, (uint32_t *)o->tmp.data, (size_t)ns);
    size_t u = unique_sorted_u32(dst, (size_t)ns);
    o->sets.len = (base + u) * 4;
    o->set_offsets[idx + 1] = (int64_t)(base + u);
    return 0;
}

static int sketch_one(const Text *t, Py_ssize_t idx, void *ctx) {
    SketchCtx *o = ctx;
    WordStats st;
    o->words.len = 0;
    int rc = tokenize(t, &o->words, &st);
    if (rc != 0) return rc;
    const uint64_t *w = (const uint64_t *)o->words.data;
    Py_ssize_t nw = (Py_ssize_t)st.words;
    o->stats[3 * idx] = st.words;
    o->stats[3 * idx + 1] = st.alpha_words;
    o->stats[3 * idx + 2] = st.word_chars;
    exact_key(w, nw, o->exact + 2 * idx);

    Py_ssize_t ns = shingle_count(nw, o->ngram);
    o->shingles.len = 0;
    if (buf_reserve(&o->shingles, (size_t)ns * 8) < 0) return -1;
    uint64_t *sh = (uint64_t *)o->shingles.data;
    shingle_hashes(w, nw, o->ngram, sh);
    if (o->want_sigs) oph_signature(sh, ns, o->num_perm, o->seedmix, o->sigs + (size_t)idx * o->num_perm, o->filled);
    if (o->want_sets) return append_set(o, sh, ns, idx);
    return 0;
}

static PyObject *py_sketch(PyObject *self, PyObject *args, PyObject *kw) {
    static char *names[] = {"texts", "ngram", "num_perm", "seed", "want_sets", "want_sigs", NULL};
    PyObject *texts_obj;
    Py_ssize_t ngram, num_perm;
    unsigned long long seed;
    int want_sets = 1, want_sigs = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OnnK|pp", names, &texts_obj, &ngram, &num_perm, &seed, &want_sets,
                                     &want_sigs))
        return NULL;
    if (ngram < 1 || num_perm < 1 || num_perm > 65536) {
        PyErr_SetString(PyExc_ValueError, "ngram must be >= 1 and num_perm in 1..65536");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(texts_obj, "texts must be a sequence of str");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    SketchCtx o;
    memset(&o, 0, sizeof o);
    o.ngram = ngram;
    o.num_perm = (uint32_t)num_perm;
    o.seedmix = mix64((uint64_t)seed);
    o.want_sets = want_sets;
    o.want_sigs = want_sigs;
    o.sigs = malloc((size_t)(want_sigs ? n : 0) * (size_t)num_perm * 4 + 4);
    o.exact = malloc((size_t)n * 16 + 16);
    o.set_offsets = calloc((size_t)n + 1, 8);
    o.stats = malloc((size_t)n * 24 + 24);
    o.filled = malloc((size_t)num_perm);
    PyObject *result = NULL;
    Text *texts = NULL;
    if (!o.sigs || !o.exact || !o.set_offsets || !o.stats || !o.filled) {
        PyErr_NoMemory();
        goto done;
    }
    texts = hold_all(seq, n);
    if (!texts || run_texts(texts, n, sketch_one, &o) < 0) goto done;
    result = Py_BuildValue("(y#y#Ny#y#)", (const char *)o.sigs, (Py_ssize_t)(want_sigs ? n * num_perm * 4 : 0),
                           (const char *)o.exact, (Py_ssize_t)(n * 16), buf_to_bytes(&o.sets),
                           (const char *)o.set_offsets, (Py_ssize_t)((n + 1) * 8), (const char *)o.stats,
                           (Py_ssize_t)(n * 24));
done:
    release_all(texts, n);
    free(o.words.data);
    free(o.shingles.data);
    free(o.sets.data);
    free(o.tmp.data);
    free(o.sigs);
    free(o.exact);
    free(o.set_offsets);
    free(o.stats);
    free(o.filled);
    Py_DECREF(seq);
    return result;
}

/* ---------------------------------------------------------------- word_hashes() */

typedef struct {
    Buf out;
    int64_t *offsets;
} WordsCtx;

static int words_one(const Text *t, Py_ssize_t idx, void *ctx) {
    WordsCtx *o = ctx;
    WordStats st;
    int rc = tokenize(t, &o->out, &st);
    if (rc == 0) o->offsets[idx + 1] = (int64_t)(o->out.len / 8);
    return rc;
}

static PyObject *py_word_hashes(PyObject *self, PyObject *args) {
    PyObject *texts_obj;
    if (!PyArg_ParseTuple(args, "O", &texts_obj)) return NULL;
    PyObject *seq = PySequence_Fast(texts_obj, "texts must be a sequence of str");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    WordsCtx o = {{0}, calloc((size_t)n + 1, 8)};
    PyObject *result = NULL;
    Text *texts = NULL;
    if (!o.offsets) {
        PyErr_NoMemory();
        goto done;
    }
    texts = hold_all(seq, n);
    if (!texts || run_texts(texts, n, words_one, &o) < 0) goto done;
    result = Py_BuildValue("(Ny#)", buf_to_bytes(&o.out), (const char *)o.offsets, (Py_ssize_t)((n + 1) * 8));
done:
    release_all(texts, n);
    free(o.offsets);
    free(o.out.data);
    Py_DECREF(seq);
    return result;
}

/* ---------------------------------------------------------------- anchors() */

/* Winnowing: in every window of `window` consecutive shingle hashes take the rightmost
 * minimum; a unit with at most `window` shingles contributes its minimum. Any run of
 * window + ngram - 1 words shared by two units yields a shared anchor. */
static int winnow_unit(const uint64_t *sh, Py_ssize_t ns, Py_ssize_t window, uint32_t unit, Buf *keys, Buf *units) {
    Py_ssize_t last = -1;
    Py_ssize_t nwin = ns <= window ? 1 : ns - window + 1;
    Py_ssize_t span = ns <= window ? ns : window;
    for (Py_ssize_t s = 0; s < nwin; s++) {
        Py_ssize_t best = s;
        for (Py_ssize_t k = s + 1; k < s + span; k++)
            if (sh[k] <= sh[best]) best = k;
        if (best == last) continue;
        last = best;
        uint32_t key = (uint32_t)(sh[best] >> 32);
        if (buf_push(keys, &key, 4) < 0 || buf_push(units, &unit, 4) < 0) return -1;
    }
    return 0;
}

static PyObject *py_anchors(PyObject *self, PyObject *args) {
    PyObject *words_obj, *starts_obj, *counts_obj;
    Py_ssize_t ngram, window;
    if (!PyArg_ParseTuple(args, "OOOnn", &words_obj, &starts_obj, &counts_obj, &ngram, &window)) return NULL;
    if (ngram < 1 || window < 1) {
        PyErr_SetString(PyExc_ValueError, "ngram and window must be >= 1");
        return NULL;
    }
    Py_buffer wv, sv, cv;
    if (get_buffer(words_obj, &wv, 8, "words") < 0) return NULL;
    if (get_buffer(starts_obj, &sv, 8, "starts") < 0) {
        PyBuffer_Release(&wv);
        return NULL;
    }
    if (get_buffer(counts_obj, &cv, 8, "counts") < 0) {
        PyBuffer_Release(&wv);
        PyBuffer_Release(&sv);
        return NULL;
    }
    PyObject *result = NULL;
    Py_ssize_t nunits = sv.len / 8, nwords = wv.len / 8;
    const uint64_t *w = wv.buf;
    const int64_t *starts = sv.buf, *counts = cv.buf;
    Buf keys = {0}, units = {0}, sh = {0};
    int failed = 0;
    if (cv.len / 8 != nunits) {
        PyErr_SetString(PyExc_ValueError, "starts and counts differ in length");
        goto done;
    }
    for (Py_ssize_t u = 0; u < nunits; u++) {
        if (starts[u] < 0 || counts[u] < 0 || starts[u] + counts[u] > nwords) {
            PyErr_Format(PyExc_ValueError, "unit %zd lies outside the word array", u);
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t u = 0; u < nunits && !failed; u++) {
        Py_ssize_t nw = (Py_ssize_t)counts[u], ns = shingle_count(nw, ngram);
        if (ns == 0) continue;
        sh.len = 0;
        if (buf_reserve(&sh, (size_t)ns * 8) < 0) {
            failed = 1;
            break;
        }
        shingle_hashes(w + starts[u], nw, ngram, (uint64_t *)sh.data);
        if (winnow_unit((uint64_t *)sh.data, ns, window, (uint32_t)u, &keys, &units) < 0) failed = 1;
    }
    Py_END_ALLOW_THREADS
    if (failed)
        PyErr_NoMemory();
    else
        result = Py_BuildValue("(NN)", buf_to_bytes(&keys), buf_to_bytes(&units));
done:
    free(keys.data);
    free(units.data);
    free(sh.data);
    PyBuffer_Release(&wv);
    PyBuffer_Release(&sv);
    PyBuffer_Release(&cv);
    return result;
}

/* ---------------------------------------------------------------- pieces() */

/* Sentence pieces of passage dedup (see cleaner/dedup/reference.py `pieces` for the rules):
 * breaks at '\n' and after terminal punctuation (+ closing quotes/brackets) followed by a
 * horizontal white space; pieces are trimmed; a piece of more than `max_words` words (\w+
 * runs of the original text) is cut before every max_words-th word; each piece is then
 * tokenised like any text. */

#define PIECE_EMPTY 2

static inline int is_terminal(Py_UCS4 c) {
    return c == '.' || c == '!' || c == '?' || c == 0x2026 || c == 0x3002 || c == 0xFF01 || c == 0xFF1F;
}

static inline int is_closer(Py_UCS4 c) {
    return c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == 0xBB || c == ')' || c == ']';
}

static inline int is_space(Py_UCS4 c) { return Py_UNICODE_ISSPACE(c); }

static inline int is_word_orig(Py_UCS4 c) { return c < 128 ? ASCII_WORD[c] != 0 : is_word_char(c); }

typedef struct {
    Py_ssize_t max_words;
    int hard_mode; /* GIL held: lower each chunk with str.lower() */
    Buf doc, start, end, first, count, words, breaks;
} PiecesCtx;

static int push_i64(Buf *b, int64_t v) { return buf_push(b, &v, 8); }

/* Tokenise text[s:e] (lowered inline, or through str.lower() in hard mode). */
static int piece_words(const Text *t, Py_ssize_t s, Py_ssize_t e, PiecesCtx *o, WordStats *st) {
    if (!o->hard_mode) {
        Text sub = {NULL, t->kind, (const char *)t->data + s * t->kind, e - s, 0};
        return tokenize(&sub, &o->words, st);
    }
    PyObject *piece = PyUnicode_Substring(t->obj, s, e);
    if (!piece) return -1;
    PyObject *low = PyObject_CallMethod(piece, "lower", NULL);
    Py_DECREF(piece);
    if (!low) return -1;
    Text sub = {NULL, PyUnicode_KIND(low), PyUnicode_DATA(low), PyUnicode_GET_LENGTH(low), 1};
    int rc = tokenize(&sub, &o->words, st);
    Py_DECREF(low);
    return rc;
}

static int push_meta(PiecesCtx *o, Py_ssize_t idx, Py_ssize_t s, Py_ssize_t e, int first, int64_t words) {
    unsigned char f = (unsigned char)first;
    if (push_i64(&o->doc, idx) < 0 || push_i64(&o->start, s) < 0 || push_i64(&o->end, e) < 0 ||
        push_i64(&o->count, words) < 0 || buf_push(&o->first, &f, 1) < 0)
        return -1;
    return 0;
}

static int emit_chunk(const Text *t, Py_ssize_t idx, Py_ssize_t s, Py_ssize_t e, int first, PiecesCtx *o) {
    while (e > s && is_space(PyUnicode_READ(t->kind, t->data, e - 1))) e--;
    WordStats st;
    int rc = piece_words(t, s, e, o, &st);
    return rc != 0 ? rc : push_meta(o, idx, s, e, first, st.words);
}

/* Trim text[s:e] and emit it; when it has more than max_words words, cut it into chunks
 * before every max_words-th word of the original text and emit those instead. */
static int emit_piece(const Text *t, Py_ssize_t idx, Py_ssize_t s, Py_ssize_t e, int first, PiecesCtx *o) {
    while (s < e && is_space(PyUnicode_READ(t->kind, t->data, s))) s++;
    while (e > s && is_space(PyUnicode_READ(t->kind, t->data, e - 1))) e--;
    if (s == e) return PIECE_EMPTY;
    size_t mark = o->words.len;
    WordStats st;
    int rc = piece_words(t, s, e, o, &st);
    if (rc != 0) return rc;
    if (st.words <= o->max_words) return push_meta(o, idx, s, e, first, st.words);
    o->words.len = mark;
    Py_ssize_t words = 0, chunk_start = s;
    int in_word = 0;
    for (Py_ssize_t i = s; i < e; i++) {
        int w = is_word_orig(PyUnicode_READ(t->kind, t->data, i));
        if (w && !in_word) {
            if (words && words % o->max_words == 0) {
                rc = emit_chunk(t, idx, chunk_start, i, first, o);
                if (rc != 0) return rc;
                first = 0;
                chunk_start = i;
            }
            words++;
        }
        in_word = w;
    }
    return emit_chunk(t, idx, chunk_start, e, first, o);
}

/* Break positions of one text: (cut, next) pairs, next = cut + 1 after a line break. */
#define DEFINE_BREAKS(NAME, CT)                                                                \
    static int NAME(const CT *d, Py_ssize_t n, Buf *out) {                                     \
        for (Py_ssize_t i = 0; i < n; i++) {                                                   \
            Py_UCS4 c = d[i];                                                                  \
            int64_t pair[2];                                                                   \
            if (c == '\n') {                                                                   \
                pair[0] = i;                                                                   \
                pair[1] = i + 1;                                                               \
            } else if (c > '?' ? is_terminal(c) : (c == '.' || c == '!' || c == '?')) {        \
                Py_ssize_t j = i + 1;                                                          \
                while (j < n && is_closer(d[j])) j++;                                          \
                if (j >= n || d[j] == '\n' || !is_space(d[j])) continue;                       \
                pair[0] = pair[1] = j;                                                         \
                i = j - 1;                                                                     \
            } else {                                                                           \
                continue;                                                                      \
            }                                                                                  \
            if (buf_push(out, pair, sizeof pair) < 0) return -1;                               \
        }                                                                                      \
        return 0;                                                                              \
    }

DEFINE_BREAKS(breaks_ucs1, Py_UCS1)
DEFINE_BREAKS(breaks_ucs2, Py_UCS2)
DEFINE_BREAKS(breaks_ucs4, Py_UCS4)

static int pieces_one(const Text *t, Py_ssize_t idx, void *ctx) {
    PiecesCtx *o = ctx;
    o->breaks.len = 0;
    int rc = t->kind == PyUnicode_1BYTE_KIND   ? breaks_ucs1(t->data, t->len, &o->breaks)
             : t->kind == PyUnicode_2BYTE_KIND ? breaks_ucs2(t->data, t->len, &o->breaks)
                                               : breaks_ucs4(t->data, t->len, &o->breaks);
    if (rc < 0) return -1;
    const int64_t *br = (const int64_t *)o->breaks.data;
    Py_ssize_t nb = (Py_ssize_t)(o->breaks.len / 16), pos = 0;
    int line_start = 1;
    for (Py_ssize_t k = 0; k < nb; k++) {
        rc = emit_piece(t, idx, pos, (Py_ssize_t)br[2 * k], line_start, o);
        if (rc < 0 || rc == TOK_HARD) return rc;
        if (rc != PIECE_EMPTY) line_start = 0;
        if (br[2 * k + 1] > br[2 * k]) line_start = 1;
        pos = (Py_ssize_t)br[2 * k + 1];
    }
    rc = emit_piece(t, idx, pos, t->len, line_start, o);
    return rc == PIECE_EMPTY ? 0 : rc;
}

static PyObject *py_pieces(PyObject *self, PyObject *args) {
    PyObject *texts_obj;
    Py_ssize_t max_words;
    if (!PyArg_ParseTuple(args, "On", &texts_obj, &max_words)) return NULL;
    if (max_words < 1) {
        PyErr_SetString(PyExc_ValueError, "max_words must be >= 1");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(texts_obj, "texts must be a sequence of str");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PiecesCtx o;
    memset(&o, 0, sizeof o);
    o.max_words = max_words;
    PyObject *result = NULL;
    Text *texts = hold_all(seq, n);
    if (!texts) goto done;
    Py_ssize_t i = 0;
    while (i < n) {
        int rc = 0;
        size_t marks[6] = {0};
        Py_BEGIN_ALLOW_THREADS
        for (; i < n; i++) {
            Buf *bufs[6] = {&o.doc, &o.start, &o.end, &o.first, &o.count, &o.words};
            for (int k = 0; k < 6; k++) marks[k] = bufs[k]->len;
            rc = pieces_one(&texts[i], i, &o);
            if (rc != 0) break;
        }
        Py_END_ALLOW_THREADS
        if (i == n) break;
        if (rc < 0) {
            if (!PyErr_Occurred()) PyErr_NoMemory();
            goto done;
        }
        Buf *bufs[6] = {&o.doc, &o.start, &o.end, &o.first, &o.count, &o.words};
        for (int k = 0; k < 6; k++) bufs[k]->len = marks[k];
        o.hard_mode = 1;
        rc = pieces_one(&texts[i], i, &o);
        o.hard_mode = 0;
        if (rc != 0) {
            if (!PyErr_Occurred()) PyErr_NoMemory();
            goto done;
        }
        i++;
    }
    result = Py_BuildValue("(NNNNNN)", buf_to_bytes(&o.doc), buf_to_bytes(&o.start), buf_to_bytes(&o.end),
                           buf_to_bytes(&o.first), buf_to_bytes(&o.count), buf_to_bytes(&o.words));
done:
    release_all(texts, n);
    free(o.doc.data);
    free(o.start.data);
    free(o.end.data);
    free(o.first.data);
    free(o.count.data);
    free(o.words.data);
    free(o.breaks.data);
    Py_DECREF(seq);
    return result;
}

/* ---------------------------------------------------------------- set intersection */

static Py_ssize_t intersect_u32(const uint32_t *a, Py_ssize_t na, const uint32_t *b, Py_ssize_t nb) {
    Py_ssize_t i = 0, j = 0, c = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j])
            i++;
        else if (a[i] > b[j])
            j++;
        else {
            c++;
            i++;
            j++;
        }
    }
    return c;
}

static PyObject *py_intersect(PyObject *self, PyObject *args) {
    PyObject *ao, *bo;
    if (!PyArg_ParseTuple(args, "OO", &ao, &bo)) return NULL;
    Py_buffer av, bv;
    if (get_buffer(ao, &av, 4, "a") < 0) return NULL;
    if (get_buffer(bo, &bv, 4, "b") < 0) {
        PyBuffer_Release(&av);
        return NULL;
    }
    Py_ssize_t c = intersect_u32(av.buf, av.len / 4, bv.buf, bv.len / 4);
    PyBuffer_Release(&av);
    PyBuffer_Release(&bv);
    return PyLong_FromSsize_t(c);
}

/* ---------------------------------------------------------------- verification from a spill file */

typedef struct {
    Py_buffer off, len, left, right;
    Py_ssize_t npairs, nitems;
} PairArgs;

static void pair_args_release(PairArgs *a) {
    PyBuffer_Release(&a->off);
    PyBuffer_Release(&a->len);
    PyBuffer_Release(&a->left);
    PyBuffer_Release(&a->right);
}

static int pair_args_get(PyObject *args, int *fd, PairArgs *a) {
    PyObject *off, *len, *left, *right;
    memset(a, 0, sizeof *a);
    if (!PyArg_ParseTuple(args, "iOOOO", fd, &off, &len, &left, &right)) return -1;
    if (get_buffer(off, &a->off, 8, "offsets") < 0) return -1;
    if (get_buffer(len, &a->len, 8, "lengths") < 0) goto fail;
    if (get_buffer(left, &a->left, 8, "left") < 0) goto fail;
    if (get_buffer(right, &a->right, 8, "right") < 0) goto fail;
    a->nitems = a->off.len / 8;
    a->npairs = a->left.len / 8;
    if (a->len.len / 8 != a->nitems || a->right.len / 8 != a->npairs) {
        PyErr_SetString(PyExc_ValueError, "offsets/lengths or left/right differ in length");
        goto fail;
    }
    const int64_t *l = a->left.buf, *r = a->right.buf;
    for (Py_ssize_t i = 0; i < a->npairs; i++) {
        if (l[i] < 0 || l[i] >= a->nitems || r[i] < 0 || r[i] >= a->nitems) {
            PyErr_Format(PyExc_IndexError, "pair %zd refers to an item out of range", i);
            goto fail;
        }
    }
    return 0;
fail:
    pair_args_release(a);
    return -1;
}

/* Read item `k` (uint32 elements) into `b`; 0 on success. */
static int read_item(int fd, const PairArgs *a, int64_t k, Buf *b) {
    int64_t off = ((const int64_t *)a->off.buf)[k], n = ((const int64_t *)a->len.buf)[k];
    size_t bytes = (size_t)n * 4;
    b->len = 0;
    if (buf_reserve(b, bytes) < 0) return -1;
    size_t done = 0;
    while (done < bytes) {
        ssize_t got = pread(fd, b->data + done, bytes - done, (off_t)(off * 4 + (int64_t)done));
        if (got <= 0) return -2;
        done += (size_t)got;
    }
    b->len = bytes;
    return 0;
}

static PyObject *pair_error(int code) {
    if (code == -1) return PyErr_NoMemory();
    PyErr_SetString(PyExc_OSError, "short read from the spill file");
    return NULL;
}

static PyObject *py_verify_sets(PyObject *self, PyObject *args) {
    int fd;
    PairArgs a;
    if (pair_args_get(args, &fd, &a) < 0) return NULL;
    int64_t *inter = malloc((size_t)a.npairs * 8 + 8);
    Buf x = {0}, y = {0};
    int code = inter ? 0 : -1;
    const int64_t *l = a.left.buf, *r = a.right.buf;
    Py_BEGIN_ALLOW_THREADS
    int64_t cached = -1;
    for (Py_ssize_t i = 0; i < a.npairs && code == 0; i++) {
        if (l[i] != cached) {
            code = read_item(fd, &a, l[i], &x);
            cached = l[i];
        }
        if (code == 0) code = read_item(fd, &a, r[i], &y);
        if (code == 0) inter[i] = intersect_u32((uint32_t *)x.data, (Py_ssize_t)(x.len / 4), (uint32_t *)y.data,
                                                (Py_ssize_t)(y.len / 4));
    }
    Py_END_ALLOW_THREADS
    PyObject *result = code == 0 ? PyBytes_FromStringAndSize((char *)inter, a.npairs * 8) : pair_error(code);
    free(inter);
    free(x.data);
    free(y.data);
    pair_args_release(&a);
    return result;
}

/* Longest common subsequence, longest common run, and the most informative common
 * subsequence of two word sequences: `*info` is the largest number of informative words
 * (those whose `common[word & mask]` is 0) that any common subsequence contains. Rows are
 * six int32 arrays of m + 1 entries, consecutive at `stride`. */
static void align(const uint32_t *x, Py_ssize_t n, const uint32_t *y, Py_ssize_t m, const uint8_t *common,
                  uint32_t mask, int32_t *rows, Py_ssize_t stride, int32_t *lcs, int32_t *run, int32_t *info) {
    int32_t *prev_l = rows, *cur_l = rows + stride, *prev_r = rows + 2 * stride, *cur_r = rows + 3 * stride;
    int32_t *prev_w = rows + 4 * stride, *cur_w = rows + 5 * stride, *t;
    int32_t best_run = 0;
    for (Py_ssize_t j = 0; j <= m; j++) prev_l[j] = prev_r[j] = prev_w[j] = 0;
    for (Py_ssize_t i = 1; i <= n; i++) {
        int32_t weight = common[x[i - 1] & mask] ? 0 : 1;
        cur_l[0] = cur_r[0] = cur_w[0] = 0;
        for (Py_ssize_t j = 1; j <= m; j++) {
            int32_t w = prev_w[j] > cur_w[j - 1] ? prev_w[j] : cur_w[j - 1];
            if (x[i - 1] == y[j - 1]) {
                cur_l[j] = prev_l[j - 1] + 1;
                cur_r[j] = prev_r[j - 1] + 1;
                if (cur_r[j] > best_run) best_run = cur_r[j];
                if (prev_w[j - 1] + weight > w) w = prev_w[j - 1] + weight;
            } else {
                cur_l[j] = prev_l[j] > cur_l[j - 1] ? prev_l[j] : cur_l[j - 1];
                cur_r[j] = 0;
            }
            cur_w[j] = w;
        }
        t = prev_l, prev_l = cur_l, cur_l = t;
        t = prev_r, prev_r = cur_r, cur_r = t;
        t = prev_w, prev_w = cur_w, cur_w = t;
    }
    *lcs = prev_l[m];
    *run = best_run;
    *info = prev_w[m];
}

static PyObject *py_align_pairs(PyObject *self, PyObject *args) {
    int fd;
    PairArgs a;
    if (pair_args_get(args, &fd, &a) < 0) return NULL;
    const int64_t *lens = a.len.buf;
    int64_t longest = 0;
    for (Py_ssize_t k = 0; k < a.nitems; k++)
        if (lens[k] > longest) longest = lens[k];
    int32_t *out = malloc((size_t)a.npairs * 8 + 8);
    int32_t *rows = malloc((size_t)(longest + 1) * 6 * 4);
    const uint8_t all_informative = 0;
    Buf x = {0}, y = {0};
    int code = (out && rows) ? 0 : -1;
    const int64_t *l = a.left.buf, *r = a.right.buf;
    Py_ssize_t stride = (Py_ssize_t)longest + 1;
    Py_BEGIN_ALLOW_THREADS
    int64_t cached = -1;
    for (Py_ssize_t i = 0; i < a.npairs && code == 0; i++) {
        if (l[i] != cached) {
            code = read_item(fd, &a, l[i], &x);
            cached = l[i];
        }
        if (code == 0) code = read_item(fd, &a, r[i], &y);
        int32_t info;
        if (code == 0)
            align((uint32_t *)x.data, (Py_ssize_t)(x.len / 4), (uint32_t *)y.data, (Py_ssize_t)(y.len / 4),
                  &all_informative, 0, rows, stride, &out[2 * i], &out[2 * i + 1], &info);
    }
    Py_END_ALLOW_THREADS
    PyObject *result = code == 0 ? PyBytes_FromStringAndSize((char *)out, a.npairs * 8) : pair_error(code);
    free(out);
    free(rows);
    free(x.data);
    free(y.data);
    pair_args_release(&a);
    return result;
}

/* ---------------------------------------------------------------- star assignment */

/* Edges (left, right) sorted by the left end's priority: a left end that is not itself
 * assigned is a keeper and claims every still unassigned right end. */
static PyObject *py_star_assign(PyObject *self, PyObject *args) {
    PyObject *lo, *ro;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "OOn", &lo, &ro, &n)) return NULL;
    Py_buffer lv, rv;
    if (get_buffer(lo, &lv, 8, "left") < 0) return NULL;
    if (get_buffer(ro, &rv, 8, "right") < 0) {
        PyBuffer_Release(&lv);
        return NULL;
    }
    Py_ssize_t ne = lv.len / 8;
    const int64_t *l = lv.buf, *r = rv.buf;
    PyObject *result = NULL;
    if (rv.len / 8 != ne) {
        PyErr_SetString(PyExc_ValueError, "left and right differ in length");
        goto done;
    }
    for (Py_ssize_t e = 0; e < ne; e++) {
        if (l[e] < 0 || l[e] >= n || r[e] < 0 || r[e] >= n) {
            PyErr_Format(PyExc_IndexError, "edge %zd refers to an item out of range", e);
            goto done;
        }
    }
    result = PyBytes_FromStringAndSize(NULL, (n + 1) * 8 + ne);
    if (!result) goto done;
    int64_t *owner = (int64_t *)PyBytes_AS_STRING(result); /* owner[n] is padding */
    unsigned char *taken = (unsigned char *)(owner + n + 1); /* per edge: claimed */
    for (Py_ssize_t k = 0; k <= n; k++) owner[k] = -1;
    for (Py_ssize_t e = 0; e < ne; e++) {
        taken[e] = 0;
        if (owner[l[e]] >= 0 || owner[r[e]] >= 0 || l[e] == r[e]) continue;
        owner[r[e]] = l[e];
        taken[e] = 1;
    }
done:
    PyBuffer_Release(&lv);
    PyBuffer_Release(&rv);
    return result;
}

/* ---------------------------------------------------------------- lazy star clustering */

/* star_verify: edges (left, right) sorted by the left end's priority, processed in order;
 * an edge is verified only when neither end is assigned yet (its left end is then a
 * keeper), and on success the right end joins the left one. `owner` and `sim` persist
 * across calls, so edges can come in consecutive chunks. Modes: 0 = Jaccard of sorted
 * uint32 sets >= threshold; 1 = passage alignment: run >= min_run, lcs / shorter >=
 * threshold, lcs >= cover_longer * longer, and either at least `min_informative` aligned
 * informative words (`common`, a uint8 table of power-of-two length indexed by
 * `word & (length - 1)`, marks the common words) or a whole repeat (shorter >= whole_words
 * and lcs >= whole_cover * longer). Returns the number of verifications. */
static PyObject *py_star_verify(PyObject *self, PyObject *args) {
    int fd, mode;
    PyObject *off, *len, *left, *right, *owner_obj, *sim_obj, *common_obj;
    double threshold, cover_longer, whole_cover;
    Py_ssize_t min_run, min_informative, whole_words;
    if (!PyArg_ParseTuple(args, "iOOOOOOidndOndn", &fd, &off, &len, &left, &right, &owner_obj, &sim_obj, &mode,
                          &threshold, &min_run, &cover_longer, &common_obj, &min_informative, &whole_cover,
                          &whole_words))
        return NULL;
    PyObject *pair_args = Py_BuildValue("(iOOOO)", fd, off, len, left, right);
    if (!pair_args) return NULL;
    PairArgs a;
    int got = pair_args_get(pair_args, &fd, &a);
    Py_DECREF(pair_args);
    if (got < 0) return NULL;
    Py_buffer ov, sv, cv;
    if (PyObject_GetBuffer(owner_obj, &ov, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) {
        pair_args_release(&a);
        return NULL;
    }
    if (PyObject_GetBuffer(sim_obj, &sv, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) {
        PyBuffer_Release(&ov);
        pair_args_release(&a);
        return NULL;
    }
    if (get_buffer(common_obj, &cv, 1, "common") < 0) {
        PyBuffer_Release(&sv);
        PyBuffer_Release(&ov);
        pair_args_release(&a);
        return NULL;
    }
    PyObject *result = NULL;
    if (ov.len != a.nitems * 8 || sv.len != a.nitems * 8 || (mode != 0 && mode != 1)) {
        PyErr_SetString(PyExc_ValueError, "owner and sim need one int64/float64 per item; mode is 0 or 1");
        goto done;
    }
    if (cv.len == 0 || (cv.len & (cv.len - 1)) != 0 || cv.len > ((Py_ssize_t)1 << 32)) {
        PyErr_SetString(PyExc_ValueError, "common must be a uint8 table whose length is a power of two");
        goto done;
    }
    int64_t *owner = ov.buf;
    double *sim = sv.buf;
    const uint8_t *common = cv.buf;
    uint32_t mask = (uint32_t)(cv.len - 1);
    const int64_t *l = a.left.buf, *r = a.right.buf, *lens = a.len.buf;
    int64_t longest = 0;
    for (Py_ssize_t k = 0; k < a.nitems; k++)
        if (lens[k] > longest) longest = lens[k];
    int32_t *rows = mode == 1 ? malloc((size_t)(longest + 1) * 6 * 4) : NULL;
    Py_ssize_t stride = (Py_ssize_t)longest + 1, checked = 0;
    Buf x = {0}, y = {0};
    int code = (mode == 1 && !rows) ? -1 : 0;
    Py_BEGIN_ALLOW_THREADS
    int64_t cached = -1;
    for (Py_ssize_t i = 0; i < a.npairs && code == 0; i++) {
        if (owner[l[i]] >= 0 || owner[r[i]] >= 0 || l[i] == r[i]) continue;
        if (l[i] != cached) {
            code = read_item(fd, &a, l[i], &x);
            cached = l[i];
        }
        if (code == 0) code = read_item(fd, &a, r[i], &y);
        if (code != 0) break;
        checked++;
        Py_ssize_t nx = (Py_ssize_t)(x.len / 4), ny = (Py_ssize_t)(y.len / 4);
        double s;
        int ok;
        if (mode == 0) {
            Py_ssize_t inter = intersect_u32((uint32_t *)x.data, nx, (uint32_t *)y.data, ny);
            Py_ssize_t uni = nx + ny - inter;
            s = uni ? (double)inter / (double)uni : 1.0;
            ok = s >= threshold;
        } else {
            int32_t lcs, run, info;
            align((uint32_t *)x.data, nx, (uint32_t *)y.data, ny, common, mask, rows, stride, &lcs, &run, &info);
            Py_ssize_t shorter = nx < ny ? nx : ny, longer = nx < ny ? ny : nx;
            s = (double)lcs / (double)(shorter > 0 ? shorter : 1);
            ok = run >= min_run && s >= threshold && (double)lcs >= cover_longer * (double)longer &&
                 (info >= min_informative || (shorter >= whole_words && (double)lcs >= whole_cover * (double)longer));
        }
        if (ok) {
            owner[r[i]] = l[i];
            sim[r[i]] = s;
        }
    }
    Py_END_ALLOW_THREADS
    free(rows);
    free(x.data);
    free(y.data);
    if (code != 0)
        pair_error(code);
    else
        result = PyLong_FromSsize_t(checked);
done:
    PyBuffer_Release(&cv);
    PyBuffer_Release(&ov);
    PyBuffer_Release(&sv);
    pair_args_release(&a);
    return result;
}

/* ---------------------------------------------------------------- tree ensembles (line model) */

/* One node as the walk reads it: a leaf points back at itself on both sides (and tests
 * feature 0), so a walk of a tree's full depth ends on the leaf whatever the row, with no
 * branch on whether a node is a leaf; the step picks a side with a conditional move. */
typedef struct {
    double threshold;
    int32_t feature;
    int32_t child[2]; /* [0]: x <= threshold, [1]: otherwise (NaN included) */
} forest_node;

/* Rows walked through one tree side by side: independent walks overlap in the pipeline,
 * where one walk at a time waits on each node load and mispredicts each leaf. */
#define FOREST_LANES 16

static int32_t forest_depth(const forest_node *packed, int32_t node) {
    if (packed[node].child[0] == node) return 0;
    int32_t a = forest_depth(packed, packed[node].child[0]), b = forest_depth(packed, packed[node].child[1]);
    return 1 + (a > b ? a : b);
}

static void forest_pack(const int32_t *feature, const double *threshold, const int32_t *left, const int32_t *right,
                        Py_ssize_t nodes, const int32_t *roots, Py_ssize_t trees, forest_node *packed,
                        int32_t *depth) {
    for (Py_ssize_t i = 0; i < nodes; i++) {
        int leaf = feature[i] < 0;
        packed[i].threshold = leaf ? 0.0 : threshold[i];
        packed[i].feature = leaf ? 0 : feature[i];
        packed[i].child[0] = leaf ? (int32_t)i : left[i];
        packed[i].child[1] = leaf ? (int32_t)i : right[i];
    }
    for (Py_ssize_t t = 0; t < trees; t++) depth[t] = forest_depth(packed, roots[t]);
}

/* Add to out[r] the leaf value row r reaches in the tree at `root`, for every row. Trees are
 * added one after another to every row, so each row's sum runs over the trees in order. */
static void forest_add_tree(const forest_node *packed, const double *value, int32_t root, int32_t depth,
                            const float *x, Py_ssize_t nf, Py_ssize_t n, double *out) {
    Py_ssize_t r = 0;
    for (; r + FOREST_LANES <= n; r += FOREST_LANES) {
        int32_t node[FOREST_LANES];
        for (int k = 0; k < FOREST_LANES; k++) node[k] = root;
        for (int32_t d = 0; d < depth; d++) {
            for (int k = 0; k < FOREST_LANES; k++) {
                const forest_node *p = packed + node[k];
                node[k] = p->child[!((double)x[(r + k) * nf + p->feature] <= p->threshold)];
            }
        }
        for (int k = 0; k < FOREST_LANES; k++) out[r + k] += value[node[k]];
    }
    for (; r < n; r++) {
        int32_t node = root;
        for (int32_t d = 0; d < depth; d++) {
            const forest_node *p = packed + node;
            node = p->child[!((double)x[r * nf + p->feature] <= p->threshold)];
        }
        out[r] += value[node];
    }
}

/* Sum, over the trees in order, of the leaf each row of x (n rows of nf float32) reaches;
 * node i is a leaf when feature[i] < 0, else x <= threshold[i] goes left. The reference
 * (`line_model.Forest.raw_reference`) sums in the same order, so results are bit-identical. */
static PyObject *py_forest_raw(PyObject *self, PyObject *args) {
    PyObject *xo, *fo, *to, *lo, *ro, *vo, *rto;
    Py_ssize_t nf;
    if (!PyArg_ParseTuple(args, "OnOOOOOO", &xo, &nf, &fo, &to, &lo, &ro, &vo, &rto)) return NULL;
    Py_buffer xv, fv, tv, lv, rv, vv, rtv;
    PyObject *result = NULL;
    int got = 0;
    if (get_buffer(xo, &xv, 4, "x") < 0) return NULL;
    got++;
    if (get_buffer(fo, &fv, 4, "feature") < 0) goto done;
    got++;
    if (get_buffer(to, &tv, 8, "threshold") < 0) goto done;
    got++;
    if (get_buffer(lo, &lv, 4, "left") < 0) goto done;
    got++;
    if (get_buffer(ro, &rv, 4, "right") < 0) goto done;
    got++;
    if (get_buffer(vo, &vv, 8, "value") < 0) goto done;
    got++;
    if (get_buffer(rto, &rtv, 4, "roots") < 0) goto done;
    got++;
    Py_ssize_t nodes = fv.len / 4, trees = rtv.len / 4;
    if (nf <= 0 || xv.len / 4 % nf || tv.len / 8 != nodes || lv.len / 4 != nodes || rv.len / 4 != nodes ||
        vv.len / 8 != nodes) {
        PyErr_SetString(PyExc_ValueError, "forest arrays differ in length or x is not n x nf");
        goto done;
    }
    const float *x = xv.buf;
    const int32_t *feature = fv.buf, *left = lv.buf, *right = rv.buf, *roots = rtv.buf;
    const double *threshold = tv.buf, *value = vv.buf;
    for (Py_ssize_t i = 0; i < nodes; i++) {
        if (feature[i] >= nf || (feature[i] >= 0 && (left[i] < 0 || left[i] >= nodes || right[i] < 0 ||
                                                      right[i] >= nodes || left[i] <= i || right[i] <= i))) {
            PyErr_Format(PyExc_ValueError, "forest node %zd is malformed", i);
            goto done;
        }
    }
    for (Py_ssize_t t = 0; t < trees; t++) {
        if (roots[t] < 0 || roots[t] >= nodes) {
            PyErr_Format(PyExc_ValueError, "tree %zd has no root", t);
            goto done;
        }
    }
    Py_ssize_t n = xv.len / 4 / nf;
    result = PyBytes_FromStringAndSize(NULL, n * 8);
    if (!result) goto done;
    double *out = (double *)PyBytes_AS_STRING(result);
    forest_node *packed = PyMem_RawMalloc((size_t)(nodes ? nodes : 1) * sizeof(forest_node));
    int32_t *depth = PyMem_RawMalloc((size_t)(trees ? trees : 1) * sizeof(int32_t));
    if (!packed || !depth) {
        PyMem_RawFree(packed);
        PyMem_RawFree(depth);
        Py_CLEAR(result);
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    forest_pack(feature, threshold, left, right, nodes, roots, trees, packed, depth);
    for (Py_ssize_t r = 0; r < n; r++) out[r] = 0.0;
    for (Py_ssize_t t = 0; t < trees; t++) forest_add_tree(packed, value, roots[t], depth[t], x, nf, n, out);
    Py_END_ALLOW_THREADS
    PyMem_RawFree(packed);
    PyMem_RawFree(depth);
done:
    if (got >= 1) PyBuffer_Release(&xv);
    if (got >= 2) PyBuffer_Release(&fv);
    if (got >= 3) PyBuffer_Release(&tv);
    if (got >= 4) PyBuffer_Release(&lv);
    if (got >= 5) PyBuffer_Release(&rv);
    if (got >= 6) PyBuffer_Release(&vv);
    if (got >= 7) PyBuffer_Release(&rtv);
    return result;
}

/* ---------------------------------------------------------------- line counts (line model features) */

/* A set of code points given as a str: a table for ASCII, a short list for the rest. */
typedef struct {
    unsigned char ascii[128];
    Py_UCS4 wide[64];
    Py_ssize_t nwide;
} CharSet;

static int charset_init(CharSet *cs, PyObject *chars, const char *name) {
    memset(cs, 0, sizeof(*cs));
    if (!PyUnicode_Check(chars)) {
        PyErr_Format(PyExc_TypeError, "%s must be a str", name);
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(chars);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(chars, i);
        if (c < 128) {
            cs->ascii[c] = 1;
        } else if (cs->nwide < 64) {
            cs->wide[cs->nwide++] = c;
        } else {
            PyErr_Format(PyExc_ValueError, "%s has more than 64 non-ASCII characters", name);
            return -1;
        }
    }
    return 0;
}

static inline int charset_has(const CharSet *cs, Py_UCS4 c) {
    if (c < 128) return cs->ascii[c];
    for (Py_ssize_t i = 0; i < cs->nwide; i++)
        if (cs->wide[i] == c) return 1;
    return 0;
}

typedef struct {
    CharSet punct, closers, terminal, separators, quotes;
    PyObject *lexicon, *stopwords, *chrome, *www, *com;
} LineCountsCtx;

static inline unsigned char line_char(Py_UCS4 c) { return c < 256 ? LINE_CHAR[c] : line_char_flags(c); }

/* The counts of the stripped line s that come from its characters alone (row[0], [4..10]). */
static void char_counts(PyObject *s, const LineCountsCtx *o, double *row) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t commas = 0, digits = 0, seps = 0, caps = 0;
    int cased = 0, uncased_only = 1;
    Py_UCS4 prev = 0;
    unsigned char prev_flags = 0, prev2_flags = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        unsigned char flags = line_char(c);
        commas += c == ',';
        digits += c >= '0' && c <= '9';
        seps += charset_has(&o->separators, c);
        if (flags & LC_LOWER_OR_TITLE)
            uncased_only = 0;
        else if (flags & LC_UPPER)
            cased = 1;
        /* `(?:^|\s)["'“‘(\[]?[^\W\d_a-z]` matches once per such character (findall) */
        if ((flags & LC_CAPITAL_START) &&
            (i == 0 || (prev_flags & LC_SPACE) ||
             (charset_has(&o->quotes, prev) && (i == 1 || (prev2_flags & LC_SPACE)))))
            caps++;
        prev2_flags = prev_flags;
        prev_flags = flags;
        prev = c;
    }
    Py_ssize_t end = n;
    while (end > 0 && charset_has(&o->closers, PyUnicode_READ(kind, data, end - 1))) end--;
    Py_UCS4 last = end ? PyUnicode_READ(kind, data, end - 1) : ' ';
    row[0] = (double)n;
    row[4] = charset_has(&o->terminal, last);
    row[5] = last == ':';
    row[6] = (double)commas;
    row[7] = (double)caps;
    row[8] = cased && uncased_only;
    row[9] = (double)digits;
    row[10] = (double)seps;
}

/* Whether "://" occurs in the word. */
static inline int has_scheme(int kind, const void *data, Py_ssize_t len) {
    for (Py_ssize_t i = 0; i + 2 < len; i++)
        if (PyUnicode_READ(kind, data, i) == ':' && PyUnicode_READ(kind, data, i + 1) == '/' &&
            PyUnicode_READ(kind, data, i + 2) == '/')
            return 1;
    return 0;
}

/* The counts that come from the words of the lowered line (row[1..3], [11..16]); -1 on error. */
static int word_counts(PyObject *lower, const LineCountsCtx *o, double *row) {
    PyObject *toks = PyUnicode_Split(lower, NULL, -1);
    if (!toks) return -1;
    Py_ssize_t nt = PyList_GET_SIZE(toks), letters = 0, stops = 0, chrome = 0, urls = 0, known = 0;
    double total = 0.0, lo = 0.0, hi = 0.0;
    for (Py_ssize_t k = 0; k < nt; k++) {
        PyObject *w = PyList_GET_ITEM(toks, k);
        Py_ssize_t a = 0, b = PyUnicode_GET_LENGTH(w);
        int kind = PyUnicode_KIND(w);
        const void *data = PyUnicode_DATA(w);
        while (a < b && charset_has(&o->punct, PyUnicode_READ(kind, data, a))) a++;
        while (b > a && charset_has(&o->punct, PyUnicode_READ(kind, data, b - 1))) b--;
        PyObject *plain = PyUnicode_Substring(w, a, b);
        if (!plain) goto fail;
        letters += b - a;
        int is_stop = PySet_Contains(o->stopwords, plain), is_chrome = PySet_Contains(o->chrome, plain);
        PyObject *odds = PyDict_GetItemWithError(o->lexicon, plain);
        Py_DECREF(plain);
        if (is_stop < 0 || is_chrome < 0 || (!odds && PyErr_Occurred())) goto fail;
        stops += is_stop;
        chrome += is_chrome;
        if (odds) {
            double v = PyFloat_AsDouble(odds);
            if (v == -1.0 && PyErr_Occurred()) goto fail;
            total += v;
            if (!known || v < lo) lo = v;
            if (!known || v > hi) hi = v;
            known++;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(w);
        if (has_scheme(kind, data, len) || PyUnicode_Tailmatch(w, o->www, 0, len, -1) == 1 ||
            PyUnicode_Tailmatch(w, o->com, 0, len, 1) == 1)
            urls++;
    }
    Py_DECREF(toks);
    row[1] = (double)nt;
    row[2] = (double)letters;
    row[3] = (double)stops;
    row[11] = (double)urls;
    row[12] = (double)chrome;
    row[13] = known ? total / (double)known : 0.0;
    row[14] = lo;
    row[15] = hi;
    row[16] = (double)known;
    return 0;
fail:
    Py_DECREF(toks);
    return -1;
}

#define LINE_COUNTS 17

/* For each stripped line and its lowercase twin, the 17 counts of
 * `line_features._counts_reference` as float64 rows (bytes, n x 17). */
static PyObject *py_line_counts(PyObject *self, PyObject *args) {
    PyObject *stripped, *lowered, *punct, *closers, *terminal, *separators, *quotes;
    LineCountsCtx o;
    if (!PyArg_ParseTuple(args, "O!O!O!OOUUUUU", &PyList_Type, &stripped, &PyList_Type, &lowered, &PyDict_Type,
                          &o.lexicon, &o.stopwords, &o.chrome, &punct, &closers, &terminal, &separators, &quotes))
        return NULL;
    if (!PyAnySet_Check(o.stopwords) || !PyAnySet_Check(o.chrome)) {
        PyErr_SetString(PyExc_TypeError, "stopwords and chrome words must be sets");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(stripped);
    if (PyList_GET_SIZE(lowered) != n) {
        PyErr_SetString(PyExc_ValueError, "stripped and lowered lines differ in number");
        return NULL;
    }
    if (charset_init(&o.punct, punct, "punct") < 0 || charset_init(&o.closers, closers, "closers") < 0 ||
        charset_init(&o.terminal, terminal, "terminal") < 0 || charset_init(&o.separators, separators, "separators") < 0 ||
        charset_init(&o.quotes, quotes, "quotes") < 0)
        return NULL;
    PyObject *result = PyBytes_FromStringAndSize(NULL, n * LINE_COUNTS * 8);
    o.www = PyUnicode_FromString("www.");
    o.com = PyUnicode_FromString(".com");
    if (!result || !o.www || !o.com) goto fail;
    double *rows = (double *)PyBytes_AS_STRING(result);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PyList_GET_ITEM(stripped, i), *lower = PyList_GET_ITEM(lowered, i);
        if (!PyUnicode_Check(s) || !PyUnicode_Check(lower)) {
            PyErr_SetString(PyExc_TypeError, "lines must be str");
            goto fail;
        }
        double *row = rows + i * LINE_COUNTS;
        char_counts(s, &o, row);
        if (word_counts(lower, &o, row) < 0) goto fail;
    }
    Py_DECREF(o.www);
    Py_DECREF(o.com);
    return result;
fail:
    Py_XDECREF(result);
    Py_XDECREF(o.www);
    Py_XDECREF(o.com);
    return NULL;
}

/* ---------------------------------------------------------------- module */

static PyMethodDef methods[] = {
    {"sketch", (PyCFunction)(void (*)(void))py_sketch, METH_VARARGS | METH_KEYWORDS,
     "sketch(texts, ngram, num_perm, seed, want_sets=True, want_sigs=True) -> (sigs, exact, set_values, "
     "set_offsets, stats) as bytes"},
    {"word_hashes", py_word_hashes, METH_VARARGS, "word_hashes(texts) -> (uint64 hashes, int64 offsets) as bytes"},
    {"anchors", py_anchors, METH_VARARGS,
     "anchors(words_u64, starts_i64, counts_i64, ngram, window) -> (uint32 keys, uint32 units) as bytes"},
    {"pieces", py_pieces, METH_VARARGS,
     "pieces(texts, max_words) -> (doc i64, start i64, end i64, line_first u8, word count i64, word hashes u64)"},
    {"intersect", py_intersect, METH_VARARGS, "intersect(a_u32, b_u32) -> size of the intersection of sorted sets"},
    {"verify_sets", py_verify_sets, METH_VARARGS,
     "verify_sets(fd, offsets, lengths, left, right) -> int64 intersection sizes as bytes"},
    {"align_pairs", py_align_pairs, METH_VARARGS,
     "align_pairs(fd, offsets, lengths, left, right) -> int32 (lcs, longest run) per pair as bytes"},
    {"star_verify", py_star_verify, METH_VARARGS,
     "star_verify(fd, offsets, lengths, left, right, owner, sim, mode, threshold, min_run, cover_longer, common, "
     "min_informative, whole_cover, whole_words) -> checked"},
    {"star_assign", py_star_assign, METH_VARARGS,
     "star_assign(left, right, n) -> int64 owner[n+1] then uint8 claimed[edges], as bytes"},
    {"forest_raw", py_forest_raw, METH_VARARGS,
     "forest_raw(x_f32, n_features, feature_i32, threshold_f64, left_i32, right_i32, value_f64, roots_i32) -> "
     "float64 sums as bytes"},
    {"line_counts", py_line_counts, METH_VARARGS,
     "line_counts(stripped, lowered, lexicon, stopwords, chrome_words, punct, closers, terminal, separators, "
     "quotes) -> float64 n x 17 counts as bytes"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "cleaner._native", "Native kernels: duplicate detection and the line model.", -1, methods};

PyMODINIT_FUNC PyInit__native(void) {
    init_tables();
    return PyModule_Create(&module);
}
