"""torch.futures (Future, collect_all, wait_all) against PyTorch: values,
errors, callbacks, chaining with then(), completion from another thread."""
import threading
import time

from compare_torch import check


def _first_line(T, f):
    try:
        return f()
    except Exception as e:  # noqa: BLE001 - the error is the result compared
        return type(e).__name__, str(e).splitlines()[0]


def _scenario(T):
    F = T.futures.Future
    out = []
    f = F()
    out += [f.done(), _first_line(T, f.value)]
    f.set_result(3)
    out += [f.done(), f.value(), f.wait(), _first_line(T, lambda: f.set_result(4)),
            _first_line(T, lambda: f.set_exception(ValueError("x")))]
    g = F()
    g.set_exception(KeyError("k"))
    out += [g.done(), _first_line(T, g.wait), _first_line(T, g.value),
            _first_line(T, lambda: F().set_exception("str"))]
    h = F()
    chained = h.then(lambda fut: fut.wait() * 10)
    failing = h.then(lambda fut: 1 / 0)
    out += [chained.done()]
    h.set_result(2)
    out += [chained.wait(), failing.done(), _first_line(T, failing.wait)]
    seen = []
    done = F()
    done.set_result(5)
    done.add_done_callback(lambda fut: seen.append(fut.wait()))
    a, b = F(), F()
    both = T.futures.collect_all([a, b])
    out += [both.done()]
    a.set_result(1)
    b.set_result(2)
    out += [both.done(), [x.wait() for x in both.wait()], seen,
            T.futures.wait_all([a, b]), T.futures.collect_all([]).wait()]
    return out


def test_futures_as_pytorch():
    check(_scenario)


def test_wait_for_a_result_set_by_another_thread_as_pytorch():
    def run(T):
        fut = T.futures.Future()

        def later():
            time.sleep(0.05)
            fut.set_result(T.ones(2) * 3)
        t = threading.Thread(target=later)
        t.start()
        value = fut.wait()
        t.join()
        return value
    check(run)


def test_a_failing_done_callback_is_printed_not_raised(capfd):
    import ember
    fut = ember.futures.Future()
    fut.add_done_callback(lambda f: 1 / 0)
    fut.set_result(1)
    assert "Got the following error when running the callback: ZeroDivisionError" in \
        capfd.readouterr().err
