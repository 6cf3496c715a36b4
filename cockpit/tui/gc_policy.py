"""The app's garbage-collection policy: start-up objects frozen out of the cyclic collector, full collections rarer.

Python's cyclic collector scans every tracked object in a full (generation 2) collection. A running
cockpit holds some 150,000 (modules, classes, widgets, the lists' cached lines), so a full collection
took 110-220 ms on the benchmark machine, and showing and leaving a screen left about 19,000 objects of
cyclic garbage (widgets, the style nodes Textual makes for component classes, cached lines that refer to
themselves): one full collection every other person opening. The screens now leave about 2,400 (the
person screen is reused, footers rebuild only when their keys change); this policy, applied once per
process after the first frame, does the rest:

- `gc.freeze()`: everything alive then (about 60,000 objects: imports, the queue screen) moves to the
  permanent generation, which collections never scan. The start-up garbage among them (about 4,600
  objects, well under a megabyte) is never freed: a collection first would free it but blocked the
  event loop for 140 ms right after the first frame (measured under load), so it is not done.
- `gc.set_threshold(700, 10, 40)`: young collections as Python does them (cheap: a few thousand objects),
  but a full collection only after 40 middle-generation collections instead of 10 (Python also waits for
  the objects promoted since the last one to reach a quarter of those that survived it). Full collections
  come about four times less often (9 instead of 32 in a `benchmarks.people_keys` run); each one is
  longer, as it walks the garbage of more screens. Memory in cycles is freed later, not kept.

Measured in docs/performance.md (People screens; the queue's `down` key; start-up).
"""

from __future__ import annotations

import gc

GEN0 = 700
"""Net allocations between two young-generation collections (Python's default)."""
GEN1 = 10
"""Young collections between two middle-generation collections (Python's default)."""
GEN2 = 40
"""Middle collections before a full one is considered (Python's default: 10)."""

_applied = False


def apply_gc_policy() -> bool:
    """Freeze what is alive and raise the thresholds, once per process; return whether this call did it."""
    global _applied
    if _applied:
        return False
    _applied = True
    gc.freeze()
    gc.set_threshold(GEN0, GEN1, GEN2)
    return True
