from .gan_loss import domain_accuracy, gan_loss
from .pfr_loss import PFRLoss, content_loss, gram_matrix, style_loss
from .weighted_cross_entropy import weighted_cross_entropy

__all__ = [
    'PFRLoss',
    'gram_matrix',
    'style_loss',
    'content_loss',
    'gan_loss',
    'domain_accuracy',
    'weighted_cross_entropy',
]
