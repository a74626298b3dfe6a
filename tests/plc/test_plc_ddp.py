"""Two gloo ranks on CPU: one shared priority vector, one global draw split between the ranks."""

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from signllm.callbacks.plc import PriorityLearningChannel
from signllm.data.plc import PrioritySampler

CLIPS, BATCH, SEED = 40, 3, 11


def loss_of(index: torch.Tensor) -> torch.Tensor:
    return (index.double() * 0.37) % 1.0


def train_rank(rank: int, folder: str) -> None:
    dist.init_process_group("gloo", init_method=f"file://{folder}/group", rank=rank, world_size=2)
    channel = PriorityLearningChannel(eta=2.0, refresh_every=1, skip_window=2)
    batches, skips = [], []
    for batch in channel.build_sampler(range(CLIPS), BATCH, num_replicas=2, rank=rank, seed=SEED):
        batches.append(batch)
        skips.append(channel.skip(loss_of(torch.tensor(batch)), torch.tensor(batch)))
    torch.save({"batches": batches, "skips": skips, "state": channel.state_dict()}, f"{folder}/rank{rank}.pt")
    dist.destroy_process_group()


def test_two_ranks_draw_disjoint_shares_of_one_global_draw(tmp_path):
    mp.spawn(train_rank, args=(str(tmp_path),), nprocs=2)
    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=False) for r in (0, 1)]
    assert ranks[0]["skips"] == ranks[1]["skips"] and any(ranks[0]["skips"])
    torch.testing.assert_close(ranks[0]["state"], ranks[1]["state"], rtol=0, atol=0, equal_nan=True)

    single = PrioritySampler(CLIPS, 2 * BATCH, seed=SEED, eta=2.0, refresh_every=1)
    for step, whole in enumerate(single):  # one process drawing the global batches, same updates
        assert ranks[0]["batches"][step] + ranks[1]["batches"][step] == whole
        single.update(torch.tensor(whole), -loss_of(torch.tensor(whole)))
    assert step + 1 == len(ranks[0]["batches"])
