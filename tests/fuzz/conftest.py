"""The fuzz tests are collected only when asked for (``pytest -m fuzz``, as ``make fuzz`` does):
building a test per operation of the OpenAPI takes seconds that ``make test`` need not spend."""


def pytest_ignore_collect(collection_path, config):
    selected = (config.getoption("markexpr") or "").replace("not fuzz", "")
    if collection_path.name != "conftest.py" and "fuzz" not in selected:
        return True
    return None
