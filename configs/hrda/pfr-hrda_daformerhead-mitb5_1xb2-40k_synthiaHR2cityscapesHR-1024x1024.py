# The config below with PFR added (lambda_pfr 0.004 on every backbone stage
# as the context sees it: the whole crop at half scale; docs/hrda.md).
_base_ = './hrda_daformerhead-mitb5_1xb2-40k_synthiaHR2cityscapesHR-1024x1024.py'  # noqa
model = dict(terms=dict(pfr=_base_.pfr))
