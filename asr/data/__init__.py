"""Data without torch: corpus readers, downloads, manifests, synthetic speech and its text,
and the error-rate metrics."""
