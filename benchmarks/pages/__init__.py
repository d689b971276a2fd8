"""Real web pages with human gold main text, flattened to plain text as scrapers do.

Shared by `benchmarks/textpages.py` (scores page cleaning on held-out pages) and
`benchmarks/train_lines.py` (trains the line model on the other pages):

- `corpus`: the pages of ../shared/data (WCXB dev, ScrapingHub AEB, trafilatura-eval) with
  their gold text, page type and domain, and the fixed train / held-out split by domain;
- `flatten`: HTML to plain text the way scrapers flatten it (every visible block on its own
  line) in several flavours, Markdown included;
- `labels`: which flattened line belongs to the gold main text (token alignment);
- `metrics`: the benchmarks' own scores (AEB shingles, WCXB word F1, with/without snippets).
"""
