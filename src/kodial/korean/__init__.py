"""Korean language knowledge, in one place and free of models:

- :mod:`~kodial.korean.particles`: final consonants (받침) and particles (조사): 은/는, 이/가,
  을/를, 와/과, (으)로 chosen for the word before them, in templates;
- :mod:`~kodial.korean.numerals`: native (세 시, 네 명) and Sino-Korean (삼월 오일) numerals;
- :mod:`~kodial.korean.datetimes`: date and time expressions (내일 저녁 7시 반, 다음 주 금요일)
  resolved against a given time;
- :mod:`~kodial.korean.dialogue_acts`: what a short reply does (취소할래, 네, 아니요, 음...,
  7시 말고).

The particle helpers are re-exported here (``from kodial.korean import attach_particle``), as
every template user needs them.
"""

from __future__ import annotations

from kodial.korean.particles import (
    PARTICLES,
    attach_particle,
    fill_template,
    final_consonant,
    has_final_consonant,
    render,
)

__all__ = [
    "PARTICLES",
    "attach_particle",
    "fill_template",
    "final_consonant",
    "has_final_consonant",
    "render",
]
