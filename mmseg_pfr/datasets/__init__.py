"""Datasets: GTA5, SYNTHIA, Cityscapes helpers and the paired UDA dataset."""
