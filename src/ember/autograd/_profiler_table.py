"""The profiler's table, laid out as PyTorch's `_build_table` lays it out:
a dashed rule, the header, a rule, one row per event, a rule and the
"Self CPU time total" footer. Columns are right-aligned, 12 wide (the name
column as wide as the longest name, at most 55), two spaces apart."""
import math

from .profiler_util import EventList, _format_memory, _format_time, _format_time_share

__all__ = ["build_table"]

_WIDTH = 12
_SPACING = 2
_FLOP_UNITS = ["FLOPs", "KFLOPs", "MFLOPs", "GFLOPs", "TFLOPs", "PFLOPs"]


def _in_unit(time_us, default, time_unit):
    if time_unit == "s":
        return f"{time_us / 1e6:.3f}s"
    if time_unit == "ms":
        return f"{time_us / 1e3:.3f}ms"
    if time_unit == "us":
        return f"{time_us:.3f}us"
    return default


def _trim_path(path, width):
    if len(path) > width:
        path = path[len(path) - width:]
        if len(path) > 3:
            path = "..." + path[3:]
    return path


def _shorten(name, max_width):
    if max_width is not None and len(name) >= max_width - 3:
        return name[:max_width - 3] + "..."
    return name


class _Layout:
    """The row format, the rule under the header, and the line length."""

    def __init__(self):
        self.row, self.rule, self.length = "", "", -_SPACING

    def add(self, width, align=">"):
        self.row += "{: " + align + str(width) + "}" + " " * _SPACING
        self.rule += "-" * width + " " * _SPACING
        self.length += width + _SPACING


def build_table(events, sort_by=None, header=None, row_limit=100, max_src_column_width=75,
                max_name_column_width=55, max_shapes_column_width=80, with_flops=False,
                profile_memory=False, top_level_events_only=False, time_unit=None):
    if len(events) == 0:
        return ""
    use_device = events[0].use_device
    has_shapes = any(e.input_shapes is not None and len(e.input_shapes) > 0 for e in events)
    has_overloads = any(e.overload_name for e in events)
    if sort_by is not None:
        # (an unknown key is getattr's AttributeError, as in PyTorch)
        attr = sort_by.replace("cuda", "device").replace("xpu", "device") \
                      .replace("privateuse1", "device")
        events = EventList(sorted(events, key=lambda e: getattr(e, attr), reverse=True),
                           use_device=use_device, profile_memory=profile_memory,
                           with_flops=with_flops)
    name_width = max(len(e.key) for e in events) + 4
    if max_name_column_width is not None:
        name_width = min(name_width, max_name_column_width)
    shapes_width = max(len(str(e.input_shapes)) for e in events) + 4
    if max_shapes_column_width is not None:
        shapes_width = min(shapes_width, max_shapes_column_width)
    stacks = [e.stack for e in events if e.stack]
    src_width = None
    if stacks:
        src_width = max(len(entry) for stack in stacks for entry in stack) + 4
        if max_src_column_width is not None:
            src_width = min(src_width, max_src_column_width)

    headers = ["Name"] + (["Overload Name"] if has_overloads else []) + [
        "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
    if profile_memory:
        headers += ["CPU Mem", "Self CPU Mem"]
    headers.append("# of Calls")
    with_node_id = any(e.node_id != -1 for e in events)
    if with_node_id:
        headers.append("Node ID")
    layout = _Layout()
    layout.add(name_width)
    if has_overloads:
        layout.add(name_width)
    for _ in headers[1 + has_overloads:]:
        layout.add(_WIDTH)
    if has_shapes:
        headers.append("Input Shapes")
        layout.add(shapes_width)
    if stacks:
        headers.append("Source Location")
        layout.add(src_width, "<")
    flops_scale = None
    if with_flops:
        flops = [e.flops for e in events if e.flops and e.flops > 0]
        if flops:
            exponent = max(0, min(math.log10(min(flops)) / 3, float(len(_FLOP_UNITS) - 1)))
            flops_scale = pow(10, math.floor(exponent) * -3.0)
            headers.append(f"Total {_FLOP_UNITS[int(exponent)]}")
            layout.add(_WIDTH)

    total = sum(e.self_cpu_time_total for e in events)
    lines = []
    if header is not None:
        lines += ["=" * layout.length, header]
    if top_level_events_only:
        lines += ["=" * layout.length, "This report only display top-level ops statistics"]
    lines += [layout.rule, layout.row.format(*headers), layout.rule]
    shown = 0
    for evt in events:
        if shown == row_limit:
            break
        if top_level_events_only and evt.cpu_parent is not None:
            continue
        shown += 1
        evt.self_cpu_percent = _format_time_share(evt.self_cpu_time_total, total)
        evt.total_cpu_percent = (_format_time_share(evt.cpu_time_total, total)
                                 if not evt.is_async else 0)
        row = [_shorten(evt.key, max_name_column_width)]
        if has_overloads:
            row.append(_shorten(evt.overload_name, max_name_column_width))
        row += [evt.self_cpu_percent,
                _in_unit(evt.self_cpu_time_total, evt.self_cpu_time_total_str, time_unit),
                evt.total_cpu_percent,
                _in_unit(evt.cpu_time_total, evt.cpu_time_total_str, time_unit),
                _in_unit(evt.cpu_time, evt.cpu_time_str, time_unit)]
        if profile_memory:
            row += [_format_memory(evt.cpu_memory_usage),
                    _format_memory(evt.self_cpu_memory_usage)]
        row.append(evt.count)
        if with_node_id:
            row.append(evt.node_id)
        if has_shapes:
            row.append(str(evt.input_shapes)[:shapes_width])
        if flops_scale is not None:
            row.append("--" if not evt.flops or evt.flops <= 0
                       else f"{evt.flops * flops_scale:8.3f}")
        if stacks:
            row.append(_trim_path(evt.stack[0], src_width) if evt.stack else "")
        lines.append(layout.row.format(*row))
        if stacks:
            blank = [""] * (len(headers) - 1)
            for entry in (evt.stack or [])[1:]:
                lines.append(layout.row.format(*(blank + [_trim_path(entry, src_width)])))
            lines.append(layout.row.format(*(blank + [""])))
    lines.append(layout.rule)
    lines.append("Self CPU time total: "
                 + _in_unit(total, _format_time(total), time_unit))
    return "".join(line + "\n" for line in lines)
