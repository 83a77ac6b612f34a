"""Cross-cutting pieces every feature package uses; depends on nothing above it."""
