import pytest

from tests.web.menu_walk import walked_demo


@pytest.fixture(scope="module")
def demo_walk(django_db_setup, django_db_blocker):
    """Every demo login's menu pages and a record of each kind, as the test client got them
    (``tests/web/menu_walk.py``)."""
    return walked_demo(django_db_blocker)
