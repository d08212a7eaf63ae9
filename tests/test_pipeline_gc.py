"""Writing and verifying pause cyclic garbage collection and leave it as they found it."""

import gc

import pytest

from pbxcal.pipeline import _collection_paused


@pytest.mark.parametrize("enabled", [True, False])
def test_collection_comes_back_as_it_was_even_after_an_error(enabled):
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with _collection_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(ValueError), _collection_paused():
            raise ValueError
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
