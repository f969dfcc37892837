"""What the UDA model does, said once when training starts: its terms,
whether the domains share one forward and why, whether target images
update BatchNorm statistics, and what each term reads."""

from typing import List

from .fusion import batch_statistics_modules
from .step import UDAStep


def describe_terms(model) -> str:
    """Each term with its type and weight; the active ones first."""
    parts = [
        f'{name} ({type(term).__name__}, weight {term.weight:g}'
        + ('' if term.active else ': off')
        + ')'
        for name, term in model.named_terms()
    ]
    if not any(term.active for _, term in model.named_terms()):
        return 'UDA: no active term, so source-only training' + (
            f'; built: {", ".join(parts)}' if parts else ''
        )
    return 'UDA terms: ' + ', '.join(parts)


def describe_forward(model, step: UDAStep) -> List[str]:
    """How the domains are forwarded, and what BatchNorm statistics see."""
    if 'target' not in step.inputs:
        return ['forward: the source only (no active term needs the target)']
    fused, why = model.fusion(
        step.inputs['source'].shape, step.inputs['target'].shape
    )
    how = 'as one batch' if fused else 'separately'
    lines = [f'forward: source and target {how}: {why}']
    updated = batch_statistics_modules(model.inner_segmentor)
    if updated:
        lines.append(
            f'BatchNorm: {len(updated)} layers (first {updated[0]}) '
            'normalise with batch statistics in training, and target '
            'images update their running statistics too'
        )
    else:
        lines.append(
            'BatchNorm: no layer normalises with batch statistics; target '
            'images update no running statistics'
        )
    return lines


def describe(model, step: UDAStep) -> List[str]:
    """Every line of the summary, for the first iteration's step."""
    lines = [describe_terms(model), *describe_forward(model, step)]
    scales = getattr(model.inner_segmentor, 'describe_scales', None)
    if scales is not None:  # a multi-resolution segmentor
        lines.insert(1, f'segmentor: {scales()}')
    outputs = step.outputs['source']
    for name, term in model.active_terms():
        line = term.describe(outputs)
        if line:
            lines.append(f'{name}: {line}')
    return lines
