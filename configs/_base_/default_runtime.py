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
