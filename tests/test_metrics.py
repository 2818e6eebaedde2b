"""asr.data.metrics: error rates, per-source accuracy and the Speech Commands 12-class task."""

import pytest

from asr.data.metrics import OTHER, SILENCE, UNKNOWN, error_rates, report, twelve_class


@pytest.mark.parametrize("text, label", [("yes", "yes"), ("", SILENCE), ("marvin", UNKNOWN), ("yes please", UNKNOWN)])
def test_twelve_class_labels(text, label):
    assert twelve_class(text) == label


def test_error_rates_count_letters_and_words():
    rates = error_rates(["call mom"], ["call tom"])
    assert rates["cer"] == pytest.approx(1 / 8) and rates["wer"] == pytest.approx(1 / 2)


def test_report_splits_by_source_and_counts_the_confusions():
    refs = ["yes", "no", "marvin", "", "seven"]
    hyps = ["yes", "go", "", "", "seven"]
    sources = ["speech_commands"] * 4 + ["fsdd"]
    out = report(refs, hyps, sources)
    assert out["utterances"] == 5 and out["accuracy"] == pytest.approx(3 / 5)
    assert out["accuracy_by_source"] == {"fsdd": 1.0, "speech_commands": 0.5}
    assert out["twelve_class_accuracy"] == pytest.approx(2 / 4)  # "marvin" heard as silence, "no" as "go"
    labels, counts = out["word_confusion"]["labels"], out["word_confusion"]["counts"]
    assert labels[-1] == OTHER and counts[labels.index("no")][labels.index(OTHER)] == 1  # "go" is no reference
    assert sum(map(sum, out["twelve_class_confusion"]["counts"])) == 4
