"""torch._check and its family (what custom operators' fake functions call,
as the Custom Python Operators tutorial's register_fake does), against
PyTorch: nothing on a true condition, the error type and message otherwise."""
import pytest

from compare_torch import check

torch = pytest.importorskip("torch")

CASES = {
    "true": lambda T: T._check(True),
    "false": lambda T: T._check(False),
    "false_message": lambda T: T._check(1 > 2, lambda: "one is not more than two"),
    "message_object": lambda T: T._check(False, lambda: T.Size([2, 3])),
    "message_not_callable": lambda T: T._check(False, "not callable"),
    "message_not_needed": lambda T: T._check(True, "never called"),
    "cond_tensor": lambda T: T._check(T.tensor(True)),
    "cond_int": lambda T: T._check(1),
    "index": lambda T: T._check_index(False, lambda: "index"),
    "value": lambda T: T._check_value(False),
    "type": lambda T: T._check_type(False, lambda: "type"),
    "not_implemented": lambda T: T._check_not_implemented(False, lambda: "later"),
    "with_warning_type": lambda T: T._check_with(UserWarning, False, None),
    "with_key_error": lambda T: T._check_with(KeyError, False, lambda: "key"),
    "is_size": lambda T: T._check_is_size(3, max=4),
    "is_size_negative": lambda T: T._check_is_size(-1),
    "is_size_over_max": lambda T: T._check_is_size(5, lambda: "too big", max=4),
    "tensor_all": lambda T: T._check_tensor_all(T.tensor([True, True])),
    "tensor_all_false": lambda T: T._check_tensor_all(T.tensor([True, False]), lambda: "some"),
    "tensor_all_float": lambda T: T._check_tensor_all(T.tensor([1.0])),
    "tensor_all_bool": lambda T: T._check_tensor_all(True),
    "tensor_all_with": lambda T: T._check_tensor_all_with(ValueError, T.zeros(2, dtype=T.bool)),
}


@pytest.mark.parametrize("name", CASES)
def test_checks_as_torch(name):
    check(lambda T: CASES[name](T))


def test_fake_function_of_a_custom_op_checks_shapes():
    """The tutorial's mymuladd: register_fake calls torch._check (opcheck runs it)."""
    def run(T):
        lib = f"tutorial_check_{T.__name__}"

        @T.library.custom_op(f"{lib}::muladd", mutates_args=())
        def muladd(a: T.Tensor, b: T.Tensor, c: float) -> T.Tensor:
            return a * b + c

        @muladd.register_fake
        def _(a, b, c):
            T._check(a.shape == b.shape, lambda: "shapes differ")
            return T.empty_like(a)
        result = T.library.opcheck(muladd, (T.ones(3), T.ones(3), 1.5))
        return muladd(T.ones(2), T.full((2,), 2.0), 1.0), result
    check(run)
