"""What the distributions parameterized by ``probs`` or ``logits`` share.

PyTorch writes these members out in each class; here they live in private
mixins, so the public classes keep PyTorch's public bases."""
from .utils import _probs_or_logits, broadcast_all, lazy_property, logits_to_probs, probs_to_logits


class _LazyProbsLogits:
    """Derives whichever of probs/logits was not given, on first access.
    ``_is_binary`` picks sigmoid/logit (one event) or softmax/log (the last dim)."""
    _is_binary = True

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=self._is_binary)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=self._is_binary)


class _ProbsLogitsParam(_LazyProbsLogits):
    """Adds the stored parameter's shape and ``_new`` (tensors made like it)."""

    @property
    def param_shape(self):
        return self._param.size()

    def _new(self, *args, **kwargs):
        return self._param.new(*args, **kwargs)


class _CategoricalWrapper:
    """For a distribution that keeps a ``Categorical`` in ``_categorical`` and
    forwards its parameters to it."""

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def param_shape(self):
        return self._categorical.param_shape

    def _new(self, *args, **kwargs):
        return self._categorical._new(*args, **kwargs)


class _BaseDistParams:
    """For the relaxed distributions, transforms of a base distribution that
    holds ``temperature`` and the probs/logits."""

    @property
    def temperature(self):
        return self.base_dist.temperature

    @property
    def logits(self):
        return self.base_dist.logits

    @property
    def probs(self):
        return self.base_dist.probs


class _CountedProbsLogits(_ProbsLogitsParam):
    """Binomial-like: a ``total_count`` broadcast with the probs/logits and
    cast to their dtype."""

    def _set_count_and_param(self, total_count, probs, logits):
        """Store both; returns the batch shape."""
        def prepare(param):
            count, param = broadcast_all(total_count, param)
            self.total_count = count.type_as(param)
            return param
        _probs_or_logits(self, probs, logits, prepare)
        return self._param.size()
