"""Self-training on ClassMix images (DACS, Tranheden et al., WACV 2021; as
configured in DAFormer, Hoyer et al., CVPR 2022): ``lambda_st * L_st``.

ClassMix pastes half of a source image's classes onto the target image;
the labels follow the same mask (source labels where pasted, the mean
teacher's pseudo-labels elsewhere, weighted by the teacher's confident
share), and the student learns from the mixed, colour-jittered and
blurred image::

    x_m, y_m, w_m = ClassMix(x_s, y_s, x_t, y_hat, w_t)
    L_st          = mean(w_m * CE(up(student(x_m)), y_m))

The pseudo-labels ``y_hat, w_t`` come from the UDA model's
:class:`~mmseg_pfr.models.uda.teacher.MeanTeacher`, shared with any other
term that learns from them.
"""

from typing import Dict

from mmseg.registry import MODELS
from mmseg.utils import ConfigType
from torch import Tensor

from ..step import UDAStep
from .base import UDATerm


@MODELS.register_module()
class SelfTrainingTerm(UDATerm):
    """``lambda_st * L_st``: the student on ClassMix images against the
    teacher's pseudo-labels; ``pseudo_weight`` (the teacher's confident
    share) is logged.

    Args:
        weight: ``lambda_st``; 1 in DACS and DAFormer.
        class_mix: Config of the mixing (:class:`ClassMix`).
    """

    needs_teacher = True

    def __init__(
        self,
        weight: float = 1.0,
        class_mix: ConfigType = dict(type='ClassMix'),
        init_cfg=None,
    ) -> None:
        super().__init__(weight, init_cfg=init_cfg)
        self.class_mix = MODELS.build(class_mix)

    def loss(self, step: UDAStep) -> Dict[str, Tensor]:
        """The mixed batch's weighted cross-entropy, drawn from the step's
        ``'st'`` random stream."""
        pseudo = step.pseudo_labels()
        mixed = self.class_mix(
            step.inputs['source'],
            step.source_labels(),
            step.inputs['target'],
            pseudo.label,
            pseudo.weight,
            step.image_norm(),
            step.generator('st'),
        )
        loss = step.student_loss(mixed.image, mixed.label, mixed.weight)
        return dict(loss_ce=self.weight * loss, pseudo_weight=pseudo.confident)
