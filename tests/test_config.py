import pytest

from asr.errors import ASRError
from asr.train.config import config_from_dict, config_to_dict, load_config


def test_toml_and_overrides_merge(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('name = "a"\nepochs = 3\n[model]\nhidden = 64\n')
    config = load_config(str(path), ["epochs=5", "model.cell=gru", "snr_db=[1.0, 2.0]", "name=b"])
    assert (config.name, config.epochs, config.model.hidden, config.model.cell) == ("b", 5, 64, "gru")
    assert config.snr_db == (1.0, 2.0)
    assert config_from_dict(config_to_dict(config)) == config


def test_override_values_are_toml():
    config = load_config(None, ["model.bidirectional=false", "amp=true", "lr=2e-3", "max_minutes=5", 'name="x y"'])
    assert (config.model.bidirectional, config.amp, config.lr, config.max_minutes, config.name) == (
        False,
        True,
        0.002,
        5.0,
        "x y",
    )
    assert isinstance(config.max_minutes, float)


def test_shipped_configs_load():
    assert load_config("configs/shared_real.toml").model.bidirectional


@pytest.mark.parametrize(
    "toml, overrides, message",
    [
        ("epoch = 3\n", [], r"unknown config key\(s\) \['epoch'\].*valid keys"),
        ("[model]\nhiden = 3\n", [], r"unknown config key\(s\) \['hiden'\].*\[model\]"),
        ("", ["model.cell=cnn"], "cell must be"),
        ("", ["epochs"], "key=value"),
        ("", ["epochs=0"], "invalid training config"),
        ("", ["model.bidirectional=False"], "bidirectional must be a boolean: true or false, got 'False'"),
        ("", ["epochs=2.5"], "epochs must be a whole number"),
        ("", ["lr=fast"], "lr must be a number"),
        ("snr_db = 3\n", [], "snr_db must be a list"),
        ('[model]\nhidden = "big"\n', [], r"\[model\]: hidden must be a whole number"),
        ("epochs = = 3\n", [], "not valid TOML"),
    ],
)
def test_bad_configs_name_the_problem(tmp_path, toml, overrides, message):
    path = tmp_path / "c.toml"
    path.write_text(toml)
    with pytest.raises(ASRError, match=message):
        load_config(str(path), overrides)


def test_missing_config_file():
    with pytest.raises(ASRError, match="not found"):
        load_config("configs/nope.toml")
