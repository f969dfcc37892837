# mmseg's runtime (logging, visualiser, env) plus this plugin.
_base_ = 'mmseg::_base_/default_runtime.py'
custom_imports = dict(imports=['mmseg_pfr'], allow_failed_imports=False)
# Fixed seed by default: UDA numbers vary from run to run (GAN training), so
# runs should say which seed they used; change it with --cfg-options
# randomness.seed=N.
randomness = dict(seed=0)
# Check the validation data's layout before the first iteration, not at the
# first validation.
custom_hooks = [dict(type='EvalDataCheckHook')]
# Log values with 4 significant digits, scientific below 1e-3, so that a
# small term (pfr.loss_style ~1e-7) shows its size instead of 0.0000.
log_processor = dict(type='MagnitudeLogProcessor', by_epoch=False)
