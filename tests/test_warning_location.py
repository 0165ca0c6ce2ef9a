"""Where Ember's warnings point: PyTorch raises most of its warnings in C++,
and Python reports them at the line of Python code that called in, however
deep in Ember the warning is given."""
import warnings

import pytest

import ember

torch = pytest.importorskip("torch")


def _calls(T):
    a, b = T.ones(3), T.ones(3)
    x = T.ones(2, 3, 4)
    F = T.nn.functional
    col, row = T.ones(4, 1), T.ones(4)
    return [
        ("cross", lambda: T.cross(a, b)),
        ("cross", lambda: a.cross(b)),
        ("x.T", lambda: x.T),
        # the losses' size check (Python code in PyTorch, at stacklevel 2)
        ("mse_loss", lambda: F.mse_loss(col, row)),
        ("l1_loss", lambda: F.l1_loss(col, row)),
        ("smooth_l1_loss", lambda: F.smooth_l1_loss(col, row)),
        ("huber_loss", lambda: F.huber_loss(col, row)),
        ("kl_div", lambda: F.kl_div(col, col)),
        ("std", lambda: T.ones(1).std()),
        ("var", lambda: T.ones(1).var(dim=0)),
        ("cov", lambda: T.cov(T.ones(2, 1))),
        ("tensor", lambda: T.tensor(a)),
        ("new_tensor", lambda: a.new_tensor(b)),
        ("non-leaf .grad", lambda: (T.ones(2, requires_grad=True) * 2).grad),
        ("complex to real", lambda: T.ones(2, dtype=T.complex64).float()),
        ("uint8 index", lambda: a[T.tensor([1, 0, 1], dtype=T.uint8)]),
        ("out resized", lambda: T.add(a, 1, out=T.ones(2))),
        ("torch.qr", lambda: T.qr(T.eye(2))),
        # a list of log-probabilities that require grad, a common REINFORCE slip
        ("tensor of grad scalars", lambda: T.tensor([T.ones((), requires_grad=True)])),
        ("float", lambda: float(T.ones((), requires_grad=True))),
        ("0-d .T", lambda: T.tensor(1.0).T),
        ("lu_solve", lambda: T.lu_solve(T.ones(2, 1), T.eye(2), T.tensor([1, 2], dtype=T.int32))),
        ("random_ past 2^24", lambda: T.zeros(2).random_(0, 2 ** 30)),
    ]


@pytest.mark.parametrize("i", range(23))
def test_warning_names_the_callers_line(i):
    """The same file and line as PyTorch's warning (the lambda's)."""
    where, texts = [], []
    for T in (torch, ember):
        T.set_warn_always(True)
        try:
            name, call = _calls(T)[i]
            with warnings.catch_warnings(record=True) as record:
                warnings.simplefilter("always")
                call()
        finally:
            T.set_warn_always(False)
        assert len(record) == 1, (T.__name__, name, [str(r.message) for r in record])
        where.append((record[0].filename, record[0].lineno, record[0].category))
        texts.append(str(record[0].message))
    assert where[0] == where[1] == (__file__, _calls(ember)[i][1].__code__.co_firstlineno,
                                    UserWarning)
    # the text too, with the "(Triggered internally at ...)" tail of C++ warnings
    assert texts[1].replace("ember.", "torch.") == texts[0]
