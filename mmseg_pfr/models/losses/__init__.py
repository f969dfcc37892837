from .gan_loss import domain_accuracy, gan_loss
from .pfr_loss import PFRLoss, content_loss, gram_matrix, style_loss

__all__ = [
    'PFRLoss',
    'gram_matrix',
    'style_loss',
    'content_loss',
    'gan_loss',
    'domain_accuracy',
]
