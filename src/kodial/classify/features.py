"""Korean-aware text features for the lexical classifier: kiwipiepy morphemes + character n-grams.

Korean glues particles and endings onto words (``환율을``, ``환율이``, ``환율은``), so plain
whitespace words split one concept into many sparse features. Two complementary views fix that:

- **morphemes** from kiwipiepy (``환율/NNG``, ``알리/VV``, ``어요/EF``): the content morphemes carry
  the topic, the endings carry the speech act (question vs command);
- **character n-grams** (spanning the space between words too): robust to typos, spacing
  mistakes (``안읽은`` / ``안 읽은``) and words the
  morpheme analyser does not know.

Each view is TF-IDF weighted (sublinear tf) and the two sparse matrices are concatenated.

A third, optional view (``ending_weight`` > 0) looks only at how the sentence **ends**: its last
characters, its final punctuation and the last morphemes of its last word (``주/VX 어/EF``,
``ㄹ까/EF``). In Korean the ending carries the speech act (question, request, statement,
rhetorical), so with a handful of examples per intent this view generalises where the bag of
n-grams cannot; for topic tasks it adds little (the training pipeline and ``hybrid`` pick its
weight out of fold).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from functools import cache
from itertools import pairwise
from typing import Annotated, Any

import numpy as np
import scipy.sparse as sp
from pydantic import AfterValidator, BeforeValidator
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from kodial.errors import KodialError
from kodial.korean.sentence_types import sentence_cues, sentence_type

CONTENT_TAG_PREFIXES = ("NN", "NR", "NP", "VV", "VA", "XR", "MAG", "SL", "SH", "SN")
"""Kiwi tags of content morphemes (nouns, verb/adjective stems, roots, adverbs, foreign words)."""


def _two_values(value: Any) -> Any:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError("must be a list of 2 values [lo, hi], e.g. [1, 4]")
    return value


def _ngram_range(value: tuple[int, int]) -> tuple[int, int]:
    if value != (0, 0) and not 1 <= value[0] <= value[1]:
        raise ValueError("must be [lo, hi] with 1 <= lo <= hi, or [0, 0] (off)")
    return value


NgramRange = Annotated[tuple[int, int], BeforeValidator(_two_values), AfterValidator(_ngram_range)]
"""An n-gram range option: ``[lo, hi]`` with ``1 <= lo <= hi``, or ``[0, 0]`` for off."""

_CACHE_LIMIT = 200_000
_kiwi_lock = threading.Lock()


@cache
def shared_kiwi(num_workers: int) -> Any:
    """One Kiwi analyser per worker count, shared by every featurizer in the process (loading the
    model takes a second or two; analysing is thread-safe)."""
    from kiwipiepy import Kiwi

    return Kiwi(num_workers=num_workers)


_MORPH_CACHES: dict[bool, dict[str, str]] = {}


def _morph_cache(content_only: bool) -> dict[str, str]:
    """The process-wide word -> ``form/TAG`` document cache for ``content_only`` (the analysis
    depends on nothing else: Kiwi's model is fixed)."""
    return _MORPH_CACHES.setdefault(content_only, {})


def _morph_doc(tokens: Iterable[Any], content_only: bool) -> str:
    """Space-joined ``form/TAG`` morphemes (forms lowercased) for one analysed text."""
    out = []
    for tok in tokens:
        tag = tok.tag.split("-")[0]
        if content_only and not tag.startswith(CONTENT_TAG_PREFIXES):
            continue
        out.append(f"{tok.form.lower()}/{tag}")
    return " ".join(out)


_PUNCT = "?!.~…"
TYPE_COUNT = 16
"""Times the sentence type and cue tokens (``s=``, ``q=``) count in the ending view: with
sublinear tf, 1 + ln 16 = 3.8 times a single token. Nearly every query has a type, so its idf
is low and, counted once, it weighed less than the rarer spellings of endings it pools; with
8 examples per intent the type is what carries over to unseen endings. Chosen on 3i4k's
training part (8 per label drawn from it, scored on a held-out grouped quarter of it, never the
test split; 5 draws, hybrid with auto weights): macro-F1 0.485 counted once, 0.502 / 0.507 /
0.508 / 0.515 / 0.509 at 2 / 4 / 8 / 16 / 32; 32 per label 0.558 -> 0.578, 128 per label 0.618
-> 0.620; ParaKQC's acts and topics and kochat's intents unchanged (their weights put the
ending view at 0 or they gain nothing)."""


def ending_tokens(
    text: str, last_word_morphemes: Sequence[str], morphemes: Sequence[str] = ()
) -> list[str]:
    """The sentence-ending features of ``text``: ``p=`` its final punctuation, ``c=`` its last
    1-3 characters before it, ``m=`` the last two morphemes of its last word and ``t=`` their
    tags (``last_word_morphemes``: that word's ``form/TAG`` morphemes), ``s=`` the sentence
    type its ending marks and ``q=`` the other cues of the act (a question word, a question
    inside the sentence, a favour asked; ``morphemes``: those of the whole text), from
    :mod:`kodial.korean.sentence_types`. The types and cues pool endings that do the same
    thing (먹었니 and 갔냐 both ask), so a few examples per intent carry over to the rest.

    >>> ending_tokens("내일 비 와?", ["오/VV", "아/EF", "?/SF"], ["내일/NNG", "비/NNG", "오/VV", "아/EF"])
    ['p=?', 'c=와', 'c=_와', 'c=비_와', 'm=오/VV', 'm=아/EF', 't=VV+EF', 's=by-intonation']
    """
    t = text.strip()
    body = t.rstrip(_PUNCT + " ")
    punct = t[len(body) :].replace(" ", "")[:2] or "none"
    tail = body.replace(" ", "_")
    toks = [f"p={punct}", *(f"c={tail[-k:]}" for k in (1, 2, 3) if len(tail) >= k)]
    last = [m for m in last_word_morphemes if "/S" not in m][-2:]
    toks += [f"m={m}" for m in last]
    if last:
        toks.append("t=" + "+".join(m.rsplit("/", 1)[-1] for m in last))
    toks.append(f"s={sentence_type(last_word_morphemes)}")
    toks += [f"q={cue}" for cue in sentence_cues(body.split(), morphemes or last_word_morphemes)]
    return toks


def _normalise(texts: Sequence[str]) -> list[str]:
    """Whitespace runs to one space, ends stripped: the text the character view sees."""
    return [" ".join(t.split()) for t in texts]


def _tfidf(vec: TfidfVectorizer, parts: list[list[int]], lengths: list[int]) -> sp.csr_matrix:
    """(N, F) TF-IDF rows from per-row feature ids, as ``vec.transform`` computes them."""
    cols = np.fromiter((j for p in parts for j in p), dtype=np.int64, count=sum(lengths))
    rows = np.repeat(np.arange(len(lengths)), lengths)
    n_features = len(vec.vocabulary_)
    counts = sp.csr_matrix(
        (np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(len(lengths), n_features)
    )
    counts.sum_duplicates()
    np.log(counts.data, counts.data)
    counts.data += 1.0  # sublinear tf
    counts.data *= vec.idf_[counts.indices].astype(np.float32)
    out: sp.csr_matrix = normalize(counts, norm="l2", copy=False)
    return out


class KoreanFeaturizer(TransformerMixin, BaseEstimator):
    """sklearn transformer: texts -> sparse ``(N, F_morph + F_char)`` TF-IDF features.

    ``morph_ngrams``: n-gram range over the morpheme sequence (``(1, 2)`` adds pairs such as
    ``환율/NNG 알리/VV``); ``(0, 0)`` disables the morpheme view. ``char_ngrams``: character n-gram
    range over the whitespace-normalised text (n-grams may span the space between two words);
    ``(0, 0)`` disables it. ``content_only`` keeps only content
    morphemes (drops particles and endings). ``min_df`` applies to both views.
    """

    def __init__(
        self,
        morph_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (1, 4),
        content_only: bool = False,
        min_df: int = 1,
        max_features: int | None = None,
        num_workers: int = 2,
        ending_weight: float = 0.0,
    ) -> None:
        self.morph_ngrams = morph_ngrams
        self.char_ngrams = char_ngrams
        self.content_only = content_only
        self.min_df = min_df
        self.max_features = max_features
        self.num_workers = num_workers
        self.ending_weight = ending_weight

    # -- morpheme analysis, batched and cached ------------------------------------------------
    def morphemes(self, texts: Sequence[str]) -> list[str]:
        """``form/TAG`` documents for ``texts``.

        Analysed one whitespace word (어절) at a time: particles and endings attach inside the
        word, so the analysis barely depends on the neighbours, and words repeat across queries
        far more than whole queries do. Unseen words of a batch go to Kiwi in one call (its
        worker threads analyse them in parallel); known words come from a cache that fitting
        fills with the training vocabulary, one per process and ``content_only`` setting
        (``hybrid`` fits a featurizer per candidate weight and then the final one on the same
        texts: each word is analysed once, not once per featurizer).
        """
        cache_ = _morph_cache(self.content_only)
        split = [t.split() for t in texts]
        # a local view of the entries this call needs: another thread may clear the cache
        known = {w: doc for words in split for w in words if (doc := cache_.get(w)) is not None}
        todo = list(dict.fromkeys(w for words in split for w in words if w not in known))
        if todo:
            if len(cache_) + len(todo) > _CACHE_LIMIT:
                cache_.clear()
            kiwi = shared_kiwi(self.num_workers)
            with _kiwi_lock:
                analysed = list(kiwi.tokenize(todo))
            for word, tokens in zip(todo, analysed, strict=True):
                known[word] = cache_[word] = _morph_doc(tokens, self.content_only)
        return [" ".join(known[w] for w in words) for words in split]

    # -- sklearn API --------------------------------------------------------------------------
    def _use_morph(self) -> bool:
        return self.morph_ngrams[0] > 0

    def _use_char(self) -> bool:
        return self.char_ngrams[0] > 0

    def ending_docs(self, texts: Sequence[str]) -> list[str]:
        """Space-joined :func:`ending_tokens` of ``texts`` (each word's morphemes come from
        the per-word analysis cache)."""
        split = [t.split() or [""] for t in texts]
        unique = list(dict.fromkeys(w for words in split for w in words))
        docs = dict(zip(unique, (d.split() for d in self.morphemes(unique)), strict=True))
        out = []
        for t, words in zip(texts, split, strict=True):
            toks = ending_tokens(t, docs[words[-1]], [m for w in words for m in docs[w]])
            types = [tok for tok in toks if tok.startswith(("s=", "q="))]
            out.append(" ".join(toks + types * (TYPE_COUNT - 1)))
        return out

    def fit(self, texts: Sequence[str], y: Any = None) -> KoreanFeaturizer:
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Sequence[str], y: Any = None, **_: Any) -> sp.csr_matrix:
        if not (self._use_morph() or self._use_char()):
            raise KodialError(
                "both feature views are off",
                hint="set morph_ngrams or char_ngrams to a range such as [1, 2]",
            )
        blocks = []
        self.morph_vectorizer_, self.char_vectorizer_, self.end_vectorizer_ = self._vectorizers()
        if self.morph_vectorizer_ is not None:
            blocks.append(self.morph_vectorizer_.fit_transform(self.morphemes(texts)))
        if self.char_vectorizer_ is not None:
            blocks.append(self.char_vectorizer_.fit_transform(_normalise(texts)))
        end = None
        if self.end_vectorizer_ is not None:
            end = self.end_vectorizer_.fit_transform(self.ending_docs(texts))
        return self._combine(blocks, end)

    def _vectorizers(
        self,
    ) -> tuple[TfidfVectorizer | None, TfidfVectorizer | None, TfidfVectorizer | None]:
        """Unfitted (morpheme, character, ending) vectorizers for this configuration (None:
        view off)."""
        morph = char = end = None
        if self.ending_weight > 0:
            end = TfidfVectorizer(
                tokenizer=str.split,
                token_pattern=None,
                lowercase=False,
                sublinear_tf=True,
                dtype=np.float32,
            )
        if self._use_morph():
            morph = TfidfVectorizer(
                tokenizer=str.split,
                token_pattern=None,
                lowercase=False,
                ngram_range=self.morph_ngrams,
                sublinear_tf=True,
                min_df=self.min_df,
                max_features=self.max_features,
                dtype=np.float32,
            )
        if self._use_char():
            char = TfidfVectorizer(
                analyzer="char",
                ngram_range=self.char_ngrams,
                lowercase=True,
                sublinear_tf=True,
                min_df=self.min_df,
                max_features=self.max_features,
                dtype=np.float32,
            )
        return morph, char, end

    # -- persistence as plain data ------------------------------------------------------------
    VIEWS = ("morph", "char", "end")

    def fitted_state(self) -> tuple[dict[str, list[str]], dict[str, np.ndarray]]:
        """What transform needs, as data: each view's terms in column order (JSON) and its idf
        weights (an array). :meth:`restore` rebuilds the vectorizers from them."""
        terms: dict[str, list[str]] = {}
        idf: dict[str, np.ndarray] = {}
        for view, vec in zip(self.VIEWS, self._fitted(), strict=True):
            if vec is None:
                continue
            ordered = [""] * len(vec.vocabulary_)
            for term, j in vec.vocabulary_.items():
                ordered[j] = term
            terms[view] = ordered
            idf[view] = np.asarray(vec.idf_)
        return terms, idf

    def _fitted(
        self,
    ) -> tuple[TfidfVectorizer | None, TfidfVectorizer | None, TfidfVectorizer | None]:
        if not hasattr(self, "morph_vectorizer_"):
            raise KodialError("the featurizer is not fitted", hint="call fit() first")
        return self.morph_vectorizer_, self.char_vectorizer_, self.end_vectorizer_

    def restore(self, terms: dict[str, list[str]], idf: dict[str, np.ndarray]) -> None:
        """Rebuild the fitted vectorizers from :meth:`fitted_state` (as loaded from disk): the
        features of any text are then identical to the fitted ones. A view the configuration
        turns on must be present, with one idf weight per term, and vice versa."""
        vectorizers = self._vectorizers()
        for view, vec in zip(self.VIEWS, vectorizers, strict=True):
            if (vec is None) != (view not in terms):
                raise KodialError(
                    f"saved features do not match the configuration: the {view} view is "
                    f"{'on' if vec is not None else 'off'} but its vocabulary is "
                    f"{'missing' if view not in terms else 'present'}"
                )
            if vec is None:
                continue
            words = terms[view]
            weights = idf.get(view)
            if (
                weights is None
                or weights.ndim != 1
                or len(weights) != len(words)
                or not all(isinstance(w, str) for w in words)
                or len(set(words)) != len(words)
            ):
                raise KodialError(f"saved {view} vocabulary and idf weights do not match")
            vec.vocabulary_ = {w: j for j, w in enumerate(words)}
            vec.idf_ = weights  # sklearn's public setter: builds the fitted TF-IDF transformer
        self.morph_vectorizer_, self.char_vectorizer_, self.end_vectorizer_ = vectorizers

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Features of new texts, equal to the fitted TfidfVectorizers' ``transform`` but built
        from cached per-word feature ids (see :meth:`_fast_transform`)."""
        if self.morph_vectorizer_ is not None and self.morph_ngrams[1] > 2:
            return self._sklearn_transform(texts)
        return self._fast_transform(texts)

    def _sklearn_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        blocks = []
        if self.morph_vectorizer_ is not None:
            blocks.append(self.morph_vectorizer_.transform(self.morphemes(texts)))
        if self.char_vectorizer_ is not None:
            blocks.append(self.char_vectorizer_.transform(_normalise(texts)))
        return self._combine(blocks, self._end_block(texts))

    def _end_block(self, texts: Sequence[str]) -> sp.csr_matrix | None:
        if self.end_vectorizer_ is None:
            return None
        out: sp.csr_matrix = self.end_vectorizer_.transform(self.ending_docs(texts))
        return out

    # -- fast path: per-word feature ids ------------------------------------------------------
    def _char_ids(self, word: str) -> list[int]:
        """Vocabulary ids of the character n-grams inside one word."""
        assert self.char_vectorizer_ is not None
        vocab = self.char_vectorizer_.vocabulary_
        w = word.lower()
        ids = []
        for n in range(self.char_ngrams[0], min(self.char_ngrams[1], len(w)) + 1):
            for k in range(len(w) - n + 1):
                j = vocab.get(w[k : k + n])
                if j is not None:
                    ids.append(j)
        return ids

    def _cross_char_ids(self, words: list[str]) -> list[int]:
        """Vocabulary ids of the character n-grams of ``" ".join(words)`` that contain a space,
        each counted at the first space it contains (the rest are inside one word)."""
        assert self.char_vectorizer_ is not None
        vocab = self.char_vectorizer_.vocabulary_
        lo, hi = self.char_ngrams
        lowered = [w.lower() for w in words]
        text = " ".join(lowered)
        cache_: dict[str, list[int]] = self.__dict__.setdefault("_cross_cache", {})
        if len(cache_) > _CACHE_LIMIT:
            cache_.clear()
        ids: list[int] = []
        pos = 0
        for w in lowered[:-1]:
            pos += len(w)  # index of the space after w
            start = max(pos - (hi - 1), pos - len(w))  # n-grams start inside w or at the space
            seg = text[start : pos + hi]  # its first space is the one after w
            seg_ids = cache_.get(seg)
            if seg_ids is None:
                space = pos - start
                seg_ids = cache_[seg] = [
                    j
                    for n in range(lo, hi + 1)
                    for k in range(max(0, space - n + 1), min(space, len(seg) - n) + 1)
                    if (j := vocab.get(seg[k : k + n])) is not None
                ]
            ids += seg_ids
            pos += 1
        return ids

    def _morph_ids(self, tokens: list[str]) -> list[int]:
        """Vocabulary ids of the morpheme unigrams and within-word bigrams of one word."""
        assert self.morph_vectorizer_ is not None
        vocab = self.morph_vectorizer_.vocabulary_
        lo, hi = self.morph_ngrams
        grams = list(tokens) if lo <= 1 else []
        if hi >= 2:
            grams += [f"{a} {b}" for a, b in pairwise(tokens)]
        return [j for g in grams if (j := vocab.get(g)) is not None]

    def _word_entries(self, words: list[str]) -> dict[str, tuple[Any, ...]]:
        """word -> (char ids, morpheme ids, first morpheme, last morpheme) for ``words``, from
        a cache (returned as a local dict, safe if another thread clears the cache)."""
        cache_: dict[str, tuple[Any, ...]] = self.__dict__.setdefault("_word_cache", {})
        known = {w: e for w in words if (e := cache_.get(w)) is not None}
        missing = list(dict.fromkeys(w for w in words if w not in known))
        if missing:
            if len(cache_) + len(missing) > _CACHE_LIMIT:
                cache_.clear()
            docs = (
                self.morphemes(missing)
                if self.morph_vectorizer_ is not None
                else [""] * len(missing)
            )
            for word, doc in zip(missing, docs, strict=True):
                toks = doc.split()
                known[word] = cache_[word] = (
                    self._char_ids(word) if self.char_vectorizer_ is not None else [],
                    self._morph_ids(toks) if self.morph_vectorizer_ is not None else [],
                    toks[0] if toks else None,
                    toks[-1] if toks else None,
                )
        return known

    def _fast_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Both views are nearly word-local (morphemes are analysed per word), so a text's
        counts are the sum of its words' counts plus the few n-grams that cross a word boundary
        (character n-grams containing a space, morpheme bigrams across two words). Word ids are cached; the counts then get
        sklearn's TF-IDF steps (1 + log tf, times idf, L2 row norm)."""
        split = [t.split() for t in texts]
        entries = self._word_entries([w for ws in split for w in ws])
        morph_vocab = self.morph_vectorizer_.vocabulary_ if self.morph_vectorizer_ else {}
        cross = self.morph_ngrams[1] >= 2
        char_parts: list[list[int]] = []
        char_len: list[int] = []
        morph_parts: list[list[int]] = []
        morph_len: list[int] = []
        for words in split:
            n_char = n_morph = 0
            prev_last = None
            for w in words:
                c_ids, m_ids, first, last = entries[w]
                char_parts.append(c_ids)
                morph_parts.append(m_ids)
                n_char += len(c_ids)
                n_morph += len(m_ids)
                if first is not None:
                    if cross and prev_last is not None:
                        j = morph_vocab.get(f"{prev_last} {first}")
                        if j is not None:
                            morph_parts.append([j])
                            n_morph += 1
                    prev_last = last
            if self.char_vectorizer_ is not None and len(words) > 1:
                cross_ids = self._cross_char_ids(words)
                char_parts.append(cross_ids)
                n_char += len(cross_ids)
            char_len.append(n_char)
            morph_len.append(n_morph)
        blocks = []
        if self.morph_vectorizer_ is not None:
            blocks.append(_tfidf(self.morph_vectorizer_, morph_parts, morph_len))
        if self.char_vectorizer_ is not None:
            blocks.append(_tfidf(self.char_vectorizer_, char_parts, char_len))
        return self._combine(blocks, self._end_block(texts))

    def _combine(self, blocks: list[sp.csr_matrix], end: sp.csr_matrix | None) -> sp.csr_matrix:
        """Concatenate the views, each L2-normalised, scaled by 1/sqrt(#views) so rows keep unit
        norm (cosine similarity between rows stays a plain dot product); the ending view, when
        on, weighs ``ending_weight`` against them, and the rows are normalised again."""
        if len(blocks) == 1:
            out = blocks[0].tocsr()
        else:
            scale = 1.0 / np.sqrt(len(blocks))
            out = (sp.hstack(blocks, format="csr") * scale).astype(np.float32)
        if end is None:
            return out
        both = sp.hstack([out, end * self.ending_weight], format="csr")
        combined: sp.csr_matrix = normalize(both, norm="l2", copy=False).astype(np.float32)
        return combined

    def _view_sizes(self) -> list[int]:
        """Columns of each view that is on, in output order (morph, char, end)."""
        views = (self.morph_vectorizer_, self.char_vectorizer_, self.end_vectorizer_)
        return [len(v.vocabulary_) for v in views if v is not None]

    def n_features(self) -> int:
        """Columns of :meth:`transform`'s output."""
        return sum(self._view_sizes())

    def as_new(self, held: sp.csr_matrix, rest: sp.csr_matrix) -> sp.csr_matrix:
        """Rows ``held`` of this featurizer's output as a featurizer fitted on the texts of
        the rows ``rest`` alone would give them: per view, the n-grams no ``rest`` row has are
        dropped, the others weighed by the idf of ``rest`` instead of all texts', and the view
        normalised again; then the views combined as :meth:`_combine` does.

        Exact because each view's row is ``tf * idf`` scaled to unit norm: dividing by the old
        idf and multiplying by the new one changes only the weights, and the scale goes in the
        normalisation (``min_df`` and ``max_features`` pruning aside).

        Why: out-of-fold scores come from these rows. With the vocabulary and idf of all
        training texts, a held-out query keeps n-grams only it has (no weight, but they dilute
        its row) and its paraphrases in the same fold lower the idf of exactly the words that
        make it distinctive; both make its out-of-fold scores lower than a new query's, so the
        thresholds promised 5% false fallback and delivered 2-3%. Normalising the whole row at
        once (the first fix) also gives a row no new query has: the views are normalised
        separately."""
        sizes = self._view_sizes()
        if held.shape[1] != sum(sizes) or rest.shape[1] != sum(sizes):
            raise ValueError(f"{held.shape[1]} columns for a vocabulary of {sum(sizes)}")
        old_idf = np.concatenate(
            [
                np.asarray(v.idf_, dtype=np.float64)
                for v in (self.morph_vectorizer_, self.char_vectorizer_, self.end_vectorizer_)
                if v is not None
            ]
        )
        n = rest.shape[0]
        df = np.bincount(sp.csr_matrix(rest).indices, minlength=rest.shape[1])  # (F,)
        # TfidfVectorizer's smooth idf; 0 drops the n-grams no rest row has
        new_idf = np.where(df > 0, np.log((1 + n) / (1 + df)) + 1.0, 0.0)
        reweighted = sp.csr_matrix(held @ sp.diags(new_idf / old_idf))
        reweighted.eliminate_zeros()
        edges = np.cumsum([0, *sizes])
        blocks = [
            normalize(reweighted[:, edges[i] : edges[i + 1]], norm="l2", copy=False).astype(
                np.float32
            )
            for i in range(len(sizes))
        ]
        end = blocks.pop() if self.end_vectorizer_ is not None else None
        return self._combine(blocks, end)

    def feature_names(self) -> list[str]:
        """Readable names aligned with the columns: ``morph:환율/NNG``, ``char:환율`` (word-edge
        padding stripped, so one n-gram seen at different word edges shares a name)."""
        names: list[str] = []
        if self.morph_vectorizer_ is not None:
            names += [f"morph:{n}" for n in self.morph_vectorizer_.get_feature_names_out()]
        if self.char_vectorizer_ is not None:
            names += [f"char:{n.strip()}" for n in self.char_vectorizer_.get_feature_names_out()]
        if self.end_vectorizer_ is not None:
            names += [f"end:{n}" for n in self.end_vectorizer_.get_feature_names_out()]
        return names

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the caches (the Kiwi analyser is global and rebuilt on use)."""
        state = dict(self.__dict__)
        state.pop("_morph_cache", None)
        state.pop("_word_cache", None)
        state.pop("_cross_cache", None)
        return state
