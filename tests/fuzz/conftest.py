"""The fuzz tests are collected only when asked for (``pytest -m fuzz``, as ``make fuzz`` does):
building a test per operation of the OpenAPI takes seconds that ``make test`` need not spend."""


def pytest_ignore_collect(collection_path, config):
    selected = (config.getoption("markexpr") or "").replace("not fuzz", "")
    if collection_path.name != "conftest.py" and "fuzz" not in selected:
        return True
    return None


def pytest_collection_modifyitems(config, items):
    """``FUZZ_SHARD=K/N``: only every N-th test, from the K-th (1-based; ``K`` may be a list,
    ``1,2/3``: two tests of every three); the others are deselected. Staff, technician and
    resident tests are interleaved by this, so each shard gets its share of the slow ones (the
    staff's, with the coverage phase)."""
    import os

    shard = os.environ.get("FUZZ_SHARD", "").strip()
    if not shard:
        return
    which, _slash, of = shard.partition("/")
    n = int(of)
    ks = {int(k) for k in which.split(",")}
    if not ks or not all(1 <= k <= n for k in ks):
        raise ValueError(f"FUZZ_SHARD={shard}: each K must be between 1 and N")
    kept, dropped = [], []
    for index, item in enumerate(items):
        (kept if index % n + 1 in ks else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
