"""Small, isolated workarounds for the mmcv/mmseg/mmengine/torch stack; each
module says which trap it exists for, and a test shows it."""
