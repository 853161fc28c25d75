"""ShapeWorld: the synthetic scenes, questions, captions and pair statements that the
bundled Glance model is trained and judged on (see ../../../shared/DESIGN.md)."""

from .captions import caption, describes, strip_positions
from .pairs import STATEMENT_KINDS, Statement, sample_example, sample_pair, sample_statement
from .questions import ANSWERS, QUESTION_TYPES, Question, ask, sample_question
from .raster import object_map, render, save_png
from .scene import (COLOR_NAMES, POSITIONS, SHAPES, SIZES, Scene, SceneObject, make_rng,
                    position_of, sample_scene)
