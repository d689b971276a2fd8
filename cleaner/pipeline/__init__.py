"""Running a configured pipeline: plan, per-batch worker step, and the orchestrating runner."""
