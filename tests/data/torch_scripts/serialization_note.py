"""PyTorch's docs note "Serialization semantics": saving tensors and views
with their shared storage (the view relation preserved after loading),
clone() before saving a view, a module's state_dict saved and loaded,
weights_only loading with torch.serialization.add_safe_globals, map_location,
and saving to a BytesIO; its config section (torch.utils.serialization.config,
mmap and CRC-32 options). Files go to a temporary directory."""
import io
import os
import tempfile

import torch
import torch.nn as nn


def show(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__ + ':', str(e).splitlines()[0])


tmp = tempfile.mkdtemp()
path = lambda name: os.path.join(tmp, name)

t = torch.tensor([1., 2.])
torch.save(t, path('tensor.pt'))
print(torch.load(path('tensor.pt')))

# Saving and loading Python modules: a dict of tensors
d = {'a': torch.tensor([1., 2.]), 'b': torch.tensor([3., 4.])}
torch.save(d, path('tensor_dict.pt'))
print(torch.load(path('tensor_dict.pt')))

# Saving and loading tensors preserves views
numbers = torch.arange(1, 10)
evens = numbers[1::2]
torch.save([numbers, evens], path('tensors.pt'))
loaded_numbers, loaded_evens = torch.load(path('tensors.pt'))
loaded_evens *= 2
print(loaded_numbers)
print(loaded_evens, loaded_evens.stride(), loaded_evens.storage_offset())
print(loaded_numbers.untyped_storage().data_ptr() == loaded_evens.untyped_storage().data_ptr())

t = torch.tensor([1., 2.])
torch.save([t, t[1:]], path('views.pt'))
a, b = torch.load(path('views.pt'))
b.add_(10)
print(a, b)

# Saving only the view saves the whole storage; clone() keeps the file small
large = torch.arange(1, 1000)
small = large[0:5]
torch.save(small, path('small.pt'))
loaded_small = torch.load(path('small.pt'))
print(loaded_small.untyped_storage().size())
torch.save(small.clone(), path('small.pt'))  # saves a clone of small
loaded_small = torch.load(path('small.pt'))
print(loaded_small.untyped_storage().size(), loaded_small)

# Saving and loading torch.nn.Modules
bn = nn.BatchNorm1d(3, track_running_stats=True)
print(list(bn.named_parameters()))
print(list(bn.named_buffers()))
print(bn.state_dict())
torch.save(bn.state_dict(), path('bn.pt'))
bn_state_dict = torch.load(path('bn.pt'))
new_bn = nn.BatchNorm1d(3, track_running_stats=True)
print(new_bn.load_state_dict(bn_state_dict))


# A custom module
class MyModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.l0 = nn.Linear(4, 2)
        self.l1 = nn.Linear(2, 1)

    def forward(self, input):
        out0 = self.l0(input)
        out0_relu = nn.functional.relu(out0)
        return self.l1(out0_relu)


torch.manual_seed(0)
m = MyModule()
print(m.state_dict())
torch.save(m.state_dict(), path('mymodule.pt'))
m_state_dict = torch.load(path('mymodule.pt'))
new_m = MyModule()
print(new_m.load_state_dict(m_state_dict))
x = torch.randn(2, 4)
print(torch.equal(m(x), new_m(x)))
print(new_m.load_state_dict({'l0.weight': torch.zeros(2, 4)}, strict=False))
show(lambda: new_m.load_state_dict({'l0.weight': torch.zeros(3, 4)}))

# BytesIO
buffer = io.BytesIO()
torch.save({'x': torch.arange(4), 'step': 3, 'name': 'ckpt'}, buffer)
buffer.seek(0)
print(torch.load(buffer))
buffer.seek(0)
print(torch.load(buffer, map_location='cpu')['x'].device)
buffer.seek(0)
print(torch.load(buffer, map_location=torch.device('cpu'))['step'])
buffer.seek(0)
print(torch.load(buffer, map_location=lambda storage, loc: storage)['name'])
buffer.seek(0)
print(torch.load(buffer, map_location={'cpu': 'cpu'})['x'])

# weights_only
class Config:
    def __init__(self, lr):
        self.lr = lr


buffer = io.BytesIO()
torch.save({'config': Config(0.1), 'w': torch.ones(2)}, buffer)
buffer.seek(0)
show(lambda: torch.load(buffer))
buffer.seek(0)
print(torch.load(buffer, weights_only=False)['config'].lr)
torch.serialization.add_safe_globals([Config])
buffer.seek(0)
print(torch.load(buffer, weights_only=True)['config'].lr)
print(Config in torch.serialization.get_safe_globals())
torch.serialization.clear_safe_globals()
print(torch.serialization.get_safe_globals())
buffer.seek(0)
with torch.serialization.safe_globals([Config]):
    print(torch.load(buffer)['w'])

# dtypes, sizes and sparse-free tensors round-trip
buffer = io.BytesIO()
objs = [torch.tensor([1, 2], dtype=torch.int8), torch.tensor([True]), torch.zeros(2, 3).t(),
        torch.tensor(1.5, dtype=torch.float64), torch.tensor([1.5], dtype=torch.bfloat16),
        torch.Size([2, 3]), torch.float16, nn.Parameter(torch.ones(2))]
torch.save(objs, buffer)
buffer.seek(0)
for o in torch.load(buffer):
    print(type(o).__name__, o, getattr(o, 'stride', lambda: None)())

# the whole model (pickled class) loads with weights_only=False
buffer = io.BytesIO()
torch.save(m, buffer)
buffer.seek(0)
whole = torch.load(buffer, weights_only=False)
print(type(whole).__name__, torch.equal(whole(x), m(x)))

# checkpoints' globals, mmap, skip_data, the legacy format
buffer = io.BytesIO()
torch.save(new_m.state_dict(), buffer)
buffer.seek(0)
print(torch.serialization.get_unsafe_globals_in_checkpoint(buffer))
buffer = io.BytesIO()
torch.save({'c': Config(1.0)}, buffer)
buffer.seek(0)
print(torch.serialization.get_unsafe_globals_in_checkpoint(buffer))
torch.save({'a': torch.arange(3.), 'b': torch.arange(3.)[1:]}, path('m.pt'))
sd = torch.load(path('m.pt'), mmap=True)
print(sd['a'], sd['b'].storage_offset(), sd['b'].untyped_storage().size())
with torch.serialization.skip_data():
    torch.save({'a': torch.ones(3)}, path('skip.pt'))
print(torch.load(path('skip.pt'))['a'])
print(torch.serialization.DEFAULT_PROTOCOL)
torch.save([torch.ones(2), torch.ones(2)[1:]], path('legacy.pt'), _use_new_zipfile_serialization=False)
print(torch.load(path('legacy.pt')))
try:
    torch.load(path('legacy.pt'), mmap=True)
except RuntimeError as e:   # (the message names the file: its temporary directory left out)
    print('RuntimeError:', str(e).replace(tmp, '<tmp>'))

# torch.utils.serialization.config and its setters
import mmap
import zipfile
from torch.utils.serialization import config
p = path('cfg.pt')
torch.save({'w': torch.arange(4.)}, p)
print(config.load.mmap, config.load.endianness, config.save.compute_crc32,
      config.save.use_pinned_memory_for_d2h, config.load.mmap_flags == mmap.MAP_PRIVATE)
config.load.mmap = True
print(torch.load(p)['w'])
config.load.mmap = False
print(torch.serialization.get_default_mmap_options() == mmap.MAP_PRIVATE)
with torch.serialization.set_default_mmap_options(mmap.MAP_SHARED):
    print(torch.serialization.get_default_mmap_options() == mmap.MAP_SHARED)
    sd = torch.load(p, mmap=True)
    sd['w'].add_(1)
print(torch.load(p, mmap=True)['w'])
print(torch.serialization.get_crc32_options())
torch.serialization.set_crc32_options(False)
torch.save(torch.ones(2), p)
torch.serialization.set_crc32_options(True)
print([i.CRC for i in zipfile.ZipFile(p).infolist() if '/data/' in i.filename])
print(torch.load(p))
show(lambda: torch.serialization.set_default_mmap_options(5))
print(torch.serialization.get_default_load_endianness())
