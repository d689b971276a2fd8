"""The encoding stage on text that needs no repair, against plain `ftfy.fix_text`.

    python benchmarks/encoding_speed.py [--docs 20000] [--repeat 3]

Most of a web corpus is already well-formed; the stage must let such text through without
paying for ftfy's slow path (issue target: clean text at >= 10x the speed of plain
`ftfy.fix_text`). Corpora, each timed best-of-`--repeat`, one after the other in this one
process:

- **IMDb clean** / **IMDb repaired**: the first `--docs` real reviews of
  ../shared/data/imdb-reviews (skipped when the folder is absent), split into those the
  stage leaves as they are (the target applies to these) and those it repairs (entities,
  mojibake: timed for information; they must go through ftfy).
- **en / de / zh**: well-formed sentences with curly quotes, dashes, umlauts and CJK
  punctuation, repeated to review-like lengths (300 texts each).

Columns: texts, MB of UTF-8, seconds for `ftfy.fix_text(text)` with its defaults, seconds for
`EncodingRepair.repair(text)` with the stage's defaults, the speed-up, and texts changed by
the stage. The last line checks the 10x target on every corpus.
"""

from __future__ import annotations

import argparse
import json
import lzma
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

IMDB = REPO.parent / "shared" / "data" / "imdb-reviews" / "aclimdb-100k.jsonl.xz"
TARGET = 10.0
SAMPLES = {
    "en": "It’s a long way to the top — “if you wanna rock ’n’ roll”, they said. "
    "The committee met on Tuesday and agreed the budget for 2024 without changes.\n",
    "de": "Die Straße war nass, und Fußgänger überquerten sie vorsichtig. Übermorgen "
    "beginnt die Sitzung des Bundestags; „Änderungen“ sind nicht zu erwarten.\n",
    "zh": "今天的天气很好，我们去公园散步。会议将在下周二举行，预计不会有任何变化。“引号”也保持原样。\n",
}


def imdb_reviews(limit: int) -> list[str]:
    texts = []
    with lzma.open(IMDB, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                texts.append(json.loads(line)["text"])
                if len(texts) >= limit:
                    break
    return texts


def best_of(repeat: int, func: Callable[[str], object], texts: list[str]) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for text in texts:
            func(text)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20000, help="IMDb reviews to time")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import ftfy

    from cleaner.options import validate
    from cleaner.stages.encoding import EncodingRepair

    stage = EncodingRepair(validate({}, EncodingRepair.options, "stages.encoding"))
    corpora: dict[str, list[str]] = {}
    if IMDB.is_file():
        reviews = imdb_reviews(args.docs)
        corpora["IMDb clean"] = [t for t in reviews if stage.repair(t)[0] == t]
        corpora["IMDb repaired"] = [t for t in reviews if stage.repair(t)[0] != t]
    else:
        print(f"note: {IMDB} is absent; IMDb skipped")
    for lang, sample in SAMPLES.items():
        corpora[lang] = [sample * (1 + i % 20) + str(i) for i in range(300)]

    print(f"{'corpus':<14} {'texts':>7} {'MB':>7} {'ftfy s':>8} {'cleaner s':>10} {'speed-up':>9} {'changed':>8}")
    ratios = {}
    for name, texts in corpora.items():
        megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        changed = sum(stage.repair(t)[0] != t for t in texts)
        plain = best_of(args.repeat, ftfy.fix_text, texts)
        ours = best_of(args.repeat, stage.repair, texts)
        if not changed:
            ratios[name] = plain / ours
        print(f"{name:<14} {len(texts):>7,} {megabytes:>7.1f} {plain:>8.3f} {ours:>10.4f} {plain / ours:>8.1f}x {changed:>8,}")
    worst = min(ratios, key=ratios.get)
    verdict = "PASS" if ratios[worst] >= TARGET else "FAIL"
    print(f"{verdict}  clean text >= {TARGET:g}x the speed of ftfy.fix_text on every clean corpus "
          f"(lowest: {worst} {ratios[worst]:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
