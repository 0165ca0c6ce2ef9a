"""tools/api_coverage.py: README's "What works" table is the script's, and the
script's counts are real."""
import importlib.util
import os

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..")


def _load():
    spec = importlib.util.spec_from_file_location(
        "api_coverage", os.path.join(ROOT, "tools", "api_coverage.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cov = _load()


def test_readme_table_is_up_to_date():
    with open(cov.README) as f:
        text = f.read()
    section = cov.readme_section(text)
    assert section is not None, "README.md lacks the api-coverage markers"
    assert section == cov.table() + "\n", \
        "README's table is stale: run python3 tools/api_coverage.py --write-readme"
    assert cov.main(["--check"]) == 0


def test_torch_names_are_the_public_api():
    api = cov.load_torch_api()
    assert api["torch_version"].startswith(cov.TORCH_VERSION + ".")
    names = api["namespaces"]
    assert set(names) == set(cov.NAMESPACES)
    assert {"zeros", "float32", "set_default_dtype", "no_grad"} <= set(names["torch"])
    assert {"backward", "grad", "view", "T"} <= set(names["torch.Tensor"])
    assert {"Linear", "Conv2d", "Module"} <= set(names["torch.nn"])
    assert {"relu", "conv2d", "pad"} <= set(names["torch.nn.functional"])
    # Helpers that modules import are not their API.
    for ns in ("torch.nn.functional", "torch.optim.lr_scheduler", "torch.special"):
        assert not {"Optional", "Tensor", "TYPE_CHECKING", "has_torch_function",
                    "common_args", "wraps"} & set(names[ns]), ns
    assert all(not n.startswith("_") for ns in names.values() for n in ns)


def test_counts_what_ember_has_and_only_that():
    import ember
    assert cov.ember_namespace("torch") is ember
    assert cov.ember_namespace("torch.Tensor") is ember.Tensor
    assert cov.ember_has("torch", ["zeros", "no_such_name"]) == {"zeros"}
    assert cov.ember_has("torch.nn", ["Linear", "NoSuchLayer"]) == {"Linear"}
    # Attributes a tensor has but its class does not show are counted too.
    assert cov.ember_has("torch.Tensor", ["grad", "requires_grad", "no_such_attr"]) \
        == {"grad", "requires_grad"}


def test_a_namespace_ember_lacks_counts_zero(monkeypatch):
    monkeypatch.setattr(cov, "NAMESPACES", ["torch", "torch.no_such_namespace"])
    assert cov.ember_namespace("torch.no_such_namespace") is None
    rows = cov.coverage({"torch": ["zeros", "no_such_name"],
                         "torch.no_such_namespace": ["a", "b", "c"]})
    assert rows == [("torch", 1, 2), ("torch.no_such_namespace", 0, 3)]
    tbl = cov.table(rows, "2.13.0")
    assert "| `torch` | 1 | 2 | 50% |" in tbl
    assert "| `torch.no_such_namespace` | 0 | 3 | 0% |" in tbl
    assert tbl.splitlines()[-1] == "| all | 1 | 5 | 20% |"


def test_missing_lists_what_ember_lacks(capsys):
    assert cov.main(["--missing", "torch.nn"]) == 0
    missing = capsys.readouterr().out.split()
    names = cov.load_torch_api()["namespaces"]["torch.nn"]
    assert "Linear" not in missing
    assert set(missing) == set(names) - cov.ember_has("torch.nn", names)
    with pytest.raises(SystemExit):
        cov.main(["--missing", "torch.nope"])


def test_write_readme_replaces_only_the_table():
    text = f"intro\n{cov.START}\nold table\n{cov.END}\noutro\n"
    assert cov.with_table(text, "| new |") == f"intro\n{cov.START}\n| new |\n{cov.END}\noutro\n"
