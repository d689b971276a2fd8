"""Duplicate detection, by role.

- `kernels` (+ its numpy twin `reference`, + the C extension `cleaner._native`): words,
  shingles, one-permutation MinHash signatures, exact keys, sentence pieces, anchors,
  verification and lazy star clustering over spill files.
- `lsh`: band/row layout, detection curve, band keys, candidate pairs from sorted keys.
- `clusters`: keeper priority (first, longest, best), exact groups, star clusters.
- `index`: document-level engine (`DocumentIndex`, `sketch_documents`).
- `units`, `passages`: passage-level engine (`PassageIndex`, `sketch_passages`).
- `templates`: site-template lines (`TemplateIndex`, `sketch_templates`).
- `spill`: on-disk stores that keep the collectors' memory flat; `runtime`: phase timing.

The stages `cleaner.stages.dedup`, `cleaner.stages.passages` and `cleaner.stages.templates`
wrap the three engines.
"""
