import pytest

from bot.evaluation.bench import bench_extract
from tests.conftest import SHARED

NEWS_HTML = SHARED / "fixtures" / "news-html"


@pytest.mark.slow
@pytest.mark.skipif(not NEWS_HTML.is_dir(), reason="../shared/fixtures is not here")
def test_extracted_text_matches_the_gold_articles() -> None:
    result = bench_extract(NEWS_HTML)
    assert result["pages"] >= 200
    assert result["mean_token_f1"] >= 0.9
