from .resnet_caffe_deeplab import ResNetCaffeDeepLab

__all__ = ['ResNetCaffeDeepLab']
