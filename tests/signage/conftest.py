import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Photos go to a throwaway MEDIA_ROOT, one per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
