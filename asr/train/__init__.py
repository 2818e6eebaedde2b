"""Training, export and dataset code: the only part of asr that imports torch."""
