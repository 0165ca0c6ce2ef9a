#!/usr/bin/env python3
"""Train the digits CNN data-parallel on several processes with
DistributedDataParallel, on Ember (or, with --library torch, on PyTorch).

    python3 -m ember.distributed.run --nproc-per-node 4 examples/ddp_digits.py
    torchrun --nproc-per-node 4 examples/ddp_digits.py --library torch

Each process trains the same model (DDP starts every copy from rank 0's
weights) on its share of each global batch (DistributedSampler splits every
epoch's shuffled order among the ranks), and DDP averages the gradients
across processes while backward runs. With the global batch held fixed, any
number of processes computes the same steps as one process: the losses match
to rounding. (Dropout is off here, since each process would draw its own
masks.) Rank 0 shows a progress bar and writes the loss curve to
out/ddp_digits/ddp_digits_loss.png; --losses FILE writes the per-step losses
as JSON (tests/test_examples_ddp.py compares 1, 2 and 4 processes).
"""
import argparse
import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digits_cnn import SEED, load_digits, make_model  # noqa: E402


def train(torch, epochs, global_batch, lr, progress):
    dist = torch.distributed
    importlib.import_module(torch.__name__ + ".utils.data.distributed")
    DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset
    rank, world = dist.get_rank(), dist.get_world_size()
    if global_batch % world:
        raise SystemExit(f"the global batch {global_batch} must be a multiple of the "
                         f"{world} processes")
    torch.manual_seed(SEED)
    (x_train, y_train), (x_test, y_test) = load_digits(torch)
    data = TensorDataset(x_train, y_train)
    sampler = torch.utils.data.distributed.DistributedSampler(data, shuffle=True, seed=SEED,
                                                              drop_last=True)
    loader = DataLoader(data, batch_size=global_batch // world, sampler=sampler,
                        drop_last=True)
    torch.manual_seed(SEED + rank)      # (DDP replaces these weights by rank 0's)
    model = torch.nn.parallel.DistributedDataParallel(make_model(torch.nn, dropout=0.0))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    losses = []
    bar = None
    if progress and rank == 0:
        from tqdm import tqdm
        bar = tqdm(total=epochs * len(loader), unit="step", file=sys.stdout)
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        for images, labels in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
            # the global batch's loss: the ranks' equal shares averaged
            mean = loss.detach().clone()
            dist.all_reduce(mean)
            losses.append(mean.item() / world)
            if bar is not None:
                bar.update()
                bar.set_postfix(loss=f"{losses[-1]:.4f}")
    if bar is not None:
        bar.close()
    model.eval()
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    return model, losses, accuracy


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--global-batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--library", choices=["ember", "torch"], default="ember")
    parser.add_argument("--out", default=os.path.join("out", "ddp_digits"))
    parser.add_argument("--losses", help="write the per-step losses (and a parameter "
                                         "checksum per rank) as JSON to this file")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    torch = importlib.import_module(args.library)
    torch.distributed.init_process_group("gloo")
    rank = torch.distributed.get_rank()
    model, losses, accuracy = train(torch, args.epochs, args.global_batch, args.lr,
                                    not args.no_progress)
    checksum = float(sum(p.detach().double().sum().item() for p in model.parameters()))
    if args.losses:
        with open(f"{args.losses}.rank{rank}", "w") as f:
            json.dump({"losses": losses, "checksum": checksum, "accuracy": accuracy}, f)
    if rank == 0:
        print(f"{torch.distributed.get_world_size()} processes: final loss {losses[-1]:.4f}, "
              f"test accuracy {accuracy:.3f}")
        if not args.losses:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
            os.makedirs(args.out, exist_ok=True)
            fig, ax = plt.subplots(figsize=(6, 4))
            ax.plot(losses)
            ax.set(xlabel="step", ylabel="training loss (global batch)",
                   title=f"digits CNN, DDP on {torch.distributed.get_world_size()} processes")
            fig.tight_layout()
            fig.savefig(os.path.join(args.out, "ddp_digits_loss.png"), dpi=100)
    torch.distributed.destroy_process_group()


if __name__ == "__main__":
    main()
