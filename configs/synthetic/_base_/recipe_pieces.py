# The modern recipe's pieces at the miniature's scale (protocol v3;
# docs/uda_recipe.md says what each is at full scale). Read by the
# benchmark rows st-warmup_*, st-rcs_* and st-recipe_*.
#
# DAFormer's warm-up: linear from 1e-6 of the rate over 1500 of its 40k
# iterations; here the same share of protocol v3's 5000 fine-tuning
# iterations, round(1500 * 5000 / 40000) = 188, on each row's own decay.
warmup_iters = 188
warmup = dict(
    type='LinearLR',
    start_factor=1e-6,
    end_factor=1.0,
    by_epoch=False,
    begin=0,
    end=warmup_iters + 1,
)
# DAFormer's rare-class sampling: class temperature 0.01, the source crop
# re-drawn until the drawn class covers half of min_pixels; min_pixels is
# DAFormer's 3000 pixels of a full-size 1914x1052 GTA5 label scaled to the
# synthetic set's 144x256 labels (the same share of the image): 55.
rare_class_sampling = dict(min_pixels=55, class_temp=0.01, min_crop_ratio=0.5)
