"""The queries shipped with kodial (10 domains, out-of-domain small talk), for demos, tests and
the README: written for kodial, not taken from a public dataset."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from kodial.classify.data import LabelledData, load_labelled, read_ood_lines


def sample_queries_path() -> Path:
    """``resources/queries/queries.yaml``: ``label: {description, examples}`` for 10 domains
    (finance 금융, movie 영화, place 장소, weather 날씨, music 음악, shopping 쇼핑, health 건강,
    travel 여행, traffic 교통, cooking 요리), 57+ queries each."""
    return Path(str(resources.files("kodial").joinpath("resources", "queries", "queries.yaml")))


def sample_ood_path() -> Path:
    """``resources/queries/ood.txt``: out-of-domain queries (small talk, other topics), one per
    line."""
    return Path(str(resources.files("kodial").joinpath("resources", "queries", "ood.txt")))


def load_sample_queries(with_ood: bool = True) -> LabelledData:
    """The sample queries as :class:`LabelledData` (``data.ood`` holds the OOD queries).

    >>> data = load_sample_queries()
    >>> len(data.labels), data.description("finance"), len(data.ood) >= 40
    (10, '금융', True)
    """
    data = load_labelled(sample_queries_path())
    if with_ood:
        data.ood = read_ood_lines(sample_ood_path())
    return data
