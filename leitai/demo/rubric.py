"""The demo programme's rubric: the four comparisons of the reference programme, as stored JSON.

The demo arenas use it (leitai/demo/arenas.py), as do the tests' and benchmarks' arenas; the
programme's own rubric is whatever its organiser enters (leitai/programs/rubrics.py reads it).
"""

from __future__ import annotations

# The four comparisons of the reference programme (比成绩、比状态、比思路、比效果).
DEMO_RUBRIC: list[dict[str, str]] = [
    {
        "key": "achievements",
        "label": "比成绩",
        "label_en": "Achievements",
        "maximum": "30",
        "step": "0.5",
        "weight": "1",
        "description": (
            "对照党支部标准化规范化建设主要指标，晒家底、亮实绩：工作成效是否突出、可量化、有典型做法。"
        ),
        "description_en": "Results measured against the branch standardisation indicators: "
        "are they outstanding, quantified, with practices others can copy?",
    },
    {
        "key": "spirit",
        "label": "比状态",
        "label_en": "Spirit",
        "maximum": "20",
        "step": "0.5",
        "weight": "1",
        "description": "书记述讲是否脱稿、精神饱满、语言生动，班子和党员队伍的精气神。",
        "description_en": "Does the secretary speak without notes, with energy and vivid "
        "language; the spirit of the committee and the members.",
    },
    {
        "key": "ideas",
        "label": "比思路",
        "label_en": "Ideas",
        "maximum": "25",
        "step": "0.5",
        "weight": "1",
        "description": "抓党建促发展的思路是否清晰，举措是否创新、可行，问题查找是否准确。",
        "description_en": "Are the ideas for driving development through party building clear, "
        "the measures new and workable, the problems found accurately?",
    },
    {
        "key": "effects",
        "label": "比效果",
        "label_en": "Effects",
        "maximum": "25",
        "step": "0.5",
        "weight": "1",
        "description": "党建引领发展、服务群众的实际效果，群众认可度和示范带动作用。",
        "description_en": "The real effect on development and on service to residents, their "
        "recognition, and the example set for others.",
    },
]
