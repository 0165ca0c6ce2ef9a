"""torch.distributions.transforms."""
from ._transform import (Transform, _InverseTransform, ComposeTransform,  # noqa: F401
                         identity_transform, IndependentTransform, ReshapeTransform)
from ._elementwise_transforms import (AbsTransform, AffineTransform,
                                      CumulativeDistributionTransform, ExpTransform,
                                      PowerTransform, SigmoidTransform, SoftplusTransform,
                                      TanhTransform)
from ._structured_transforms import (CatTransform, CorrCholeskyTransform,
                                     LowerCholeskyTransform, PositiveDefiniteTransform,
                                     SoftmaxTransform, StackTransform, StickBreakingTransform)

__all__ = ["AbsTransform", "AffineTransform", "CatTransform", "ComposeTransform",
           "CorrCholeskyTransform", "CumulativeDistributionTransform", "ExpTransform",
           "IndependentTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform",
           "PowerTransform", "ReshapeTransform", "SigmoidTransform", "SoftplusTransform",
           "TanhTransform", "SoftmaxTransform", "StackTransform", "StickBreakingTransform",
           "Transform", "identity_transform"]
