"""Compare: many Measurements as one table per label (rows: sub_label or
stmt per thread count and env; columns: description), as PyTorch prints it."""
import collections
import enum
from ...._backend import np

from . import common

__all__ = ["Colorize", "Compare"]

BEST, GOOD = "\033[92m", "\033[34m"
BAD, VERY_BAD = "\033[2m\033[91m", "\033[31m"
BOLD, TERMINATE = "\033[1m", "\033[0m"


class Colorize(enum.Enum):
    NONE = "none"
    COLUMNWISE = "columnwise"
    ROWWISE = "rowwise"


def _leading_digits(m, scale):
    return int(np.ceil(common._log10_32(m.median / scale)))


class _Column:
    """How one column prints its numbers: a width and decimals shared by
    every cell (from the significant figures its measurements support)."""

    def __init__(self, results, scale, trim, highlight):
        self.results, self.scale, self.trim = results, scale, trim
        present = [m for m in results if m is not None]
        self.highlight = highlight and any(m.has_warnings for m in present)
        digits = [_leading_digits(m, scale) for m in present]
        decimals = min(max(m.significant_figures - d, 0)
                       for m, d in zip(present, digits)) if trim else 1
        length = max(digits) + decimals + (1 if decimals else 0)
        self.template = f"{{:>{length}.{decimals}f}}{{:>{7 if self.highlight else 0}}}"

    def cell(self, m):
        if m is None:
            return " " * len(self.template.format(1, ""))
        value = m.median / self.scale
        if self.trim:
            value = common.trim_sigfig(value, m.significant_figures)
        spread = m.iqr / m.median if m.has_warnings else None
        return self.template.format(
            value, f" (! {spread * 100:.0f}%)" if self.highlight and spread is not None else "")


def _color(segment, value, best):
    if value <= best * 1.01 or value <= best + 100e-9:
        return BEST + BOLD + segment + TERMINATE * 2
    if value <= best * 1.1:
        return GOOD + BOLD + segment + TERMINATE * 2
    if value >= best * 5:
        return VERY_BAD + BOLD + segment + TERMINATE * 2
    if value >= best * 2:
        return BAD + segment + TERMINATE * 2
    return segment


def _table(results, colorize, trim, highlight):
    """One label's table, rendered."""
    unit, scale = common.select_unit(min(m.median for m in results))
    row_keys = common.ordered_unique([(m.num_threads, m.env, m.as_row_name) for m in results])
    row_keys.sort(key=lambda k: k[:2])     # by threads, then env; stmts keep their order
    col_keys = common.ordered_unique([m.description for m in results])
    grid = {(k, c): None for k in row_keys for c in col_keys}
    for m in results:
        grid[(m.num_threads, m.env, m.as_row_name), m.description] = m
    envs = {m.env for m in results}
    render_env = len(envs) > 1
    env_len = max(len(e) for e in envs) if render_env else 0
    columns = [_Column([grid[k, c] for k in row_keys], scale, trim, highlight) for c in col_keys]

    rows, prior = [], (None, None)
    for k in row_keys:
        present = [grid[k, c] for c in col_keys if grid[k, c] is not None]
        env = f"({present[0].env})" if render_env and k[:2] != prior else ""
        cells = ["  " + env.ljust(env_len + 4) + present[0].as_row_name]
        cells += [col.cell(grid[k, c]) for col, c in zip(columns, col_keys)]
        rows.append((k, cells, k[0] != prior[0]))
        prior = k[:2]
    header = [""] + [c or "" for c in col_keys]
    widths = [max(len(r[1][i]) for r in rows + [(None, header, False)])
              for i in range(len(header))]
    lines = ["  |  ".join(h.center(w) for h, w in zip(header, widths))]
    width = len(lines[0])
    for k, cells, new_group in rows:
        if new_group:
            lines.append(f"{k[0]} threads: ".ljust(width, "-"))
        out = [cells[0].ljust(widths[0])]
        for j, (cell, w, c) in enumerate(zip(cells[1:], widths[1:], col_keys)):
            cell = cell.center(w)
            m = grid[k, c]
            if colorize != Colorize.NONE and m is not None:
                same = ([grid[k, cc] for cc in col_keys] if colorize == Colorize.ROWWISE
                        else [grid[kk, c] for kk in row_keys if kk[0] == k[0]])
                cell = _color(cell, m.median, min(x.median for x in same if x is not None))
            out.append(cell)
        lines.append("  |  ".join(out))
    label = results[0].label or ""
    warn = highlight and any(m.has_warnings for m in results)
    return (f"[{(' ' + label + ' ').center(width - 2, '-')}]\n" + "\n".join(lines) +
            f"\n\nTimes are in {common.unit_to_english(unit)}s ({unit}).\n" +
            ("(! XX%) Measurement has high variance, where XX is the IQR / median * 100.\n"
             if warn else ""))


class Compare:
    """Tables of many Measurements; `print()` it or `str()` it."""

    def __init__(self, results):
        self._results = []
        self.extend_results(results)
        self._trim_significant_figures = False
        self._colorize = Colorize.NONE
        self._highlight_warnings = False

    def __str__(self):
        return "\n".join(self._render())

    def extend_results(self, results):
        for r in results:
            if not isinstance(r, common.Measurement):
                raise ValueError(f"Expected an instance of `Measurement`, got {type(r)} instead.")
        self._results.extend(results)

    def trim_significant_figures(self):
        self._trim_significant_figures = True

    def colorize(self, rowwise=False):
        self._colorize = Colorize.ROWWISE if rowwise else Colorize.COLUMNWISE

    def highlight_warnings(self):
        self._highlight_warnings = True

    def print(self):
        print(str(self))

    def _render(self):
        by_label = collections.defaultdict(list)
        for m in common.Measurement.merge(self._results):
            by_label[m.label].append(m)
        return [_table(group, self._colorize, self._trim_significant_figures,
                       self._highlight_warnings) for group in by_label.values()]
