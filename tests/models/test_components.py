"""The plain nn.Modules: causal decoding, the key/value cache, stopping on the counter."""

import torch

from signllm.models.components.pose_decoder import ProgressiveDecoder
from signllm.models.components.transformer import Decoder
from ..layouts import OPENPOSE50

SIZE = dict(d_model=32, heads=4, ff=64, layers=2, dropout=0.0)


def memory(batch=3, length=5):
    torch.manual_seed(0)
    mask = torch.ones(batch, length, dtype=torch.bool)
    mask[0, 3:] = False
    return torch.randn(batch, length, SIZE["d_model"]), mask


def test_cached_steps_match_full_decoding():
    decoder = Decoder(**SIZE).eval()
    context, mask = memory()
    x = torch.randn(3, 7, SIZE["d_model"])
    full = decoder(x, context, mask)
    cache = decoder.new_cache()
    prefill = decoder(x[:, :3], context, mask, cache)  # several positions at once, then one by one
    steps = [decoder(x[:, t : t + 1], context, mask, cache) for t in range(3, 7)]
    torch.testing.assert_close(torch.cat([prefill, *steps], 1), full, atol=1e-5, rtol=0)


def test_decoder_is_causal_and_ignores_padded_memory():
    decoder = Decoder(**SIZE).eval()
    context, mask = memory()
    x = torch.randn(3, 6, SIZE["d_model"])
    changed_future, changed_padding = x.clone(), context.clone()
    changed_future[:, 4:] += 1.0
    changed_padding[0, 3:] += 1.0
    torch.testing.assert_close(decoder(changed_future, context, mask)[:, :4], decoder(x, context, mask)[:, :4])
    torch.testing.assert_close(decoder(x, changed_padding, mask), decoder(x, context, mask))


def test_generation_with_and_without_cache_agree():
    decoder = ProgressiveDecoder(OPENPOSE50.num_coords, **SIZE, future_frames=3).eval()
    context, mask = memory()
    start = torch.randn(OPENPOSE50.frame_size)
    cached = decoder.generate(start, context, mask, max_frames=15, use_cache=True)
    uncached = decoder.generate(start, context, mask, max_frames=15, use_cache=False)
    torch.testing.assert_close(cached[0], uncached[0], atol=1e-5, rtol=0)
    assert torch.equal(cached[1], uncached[1])


def test_generation_stops_at_counter_one_or_max_frames():
    decoder = ProgressiveDecoder(OPENPOSE50.num_coords, **SIZE).eval()
    context, mask = memory()
    torch.nn.init.zeros_(decoder.head.weight)
    torch.nn.init.zeros_(decoder.head.bias)  # counter 0 forever: runs to the cap
    frames, lengths = decoder.generate(torch.zeros(OPENPOSE50.frame_size), context, mask, max_frames=9)
    assert frames.shape == (3, 9, OPENPOSE50.frame_size) and lengths.tolist() == [9, 9, 9]
    decoder.head.bias.data[-1] = 1.0  # counter 1 at once: one frame each
    frames, lengths = decoder.generate(torch.zeros(OPENPOSE50.frame_size), context, mask, max_frames=9)
    assert frames.shape == (3, 1, OPENPOSE50.frame_size) and lengths.tolist() == [1, 1, 1]
    assert torch.all(frames[..., OPENPOSE50.counter_index] == 1.0)


def test_just_counter_decoder_reads_only_the_counter():
    decoder = ProgressiveDecoder(OPENPOSE50.num_coords, **SIZE, just_counter=True).eval()
    context, mask = memory()
    frames = torch.randn(3, 4, OPENPOSE50.frame_size)
    other = torch.randn(3, 4, OPENPOSE50.frame_size)
    other[..., OPENPOSE50.counter_index] = frames[..., OPENPOSE50.counter_index]
    torch.testing.assert_close(decoder(frames, context, mask), decoder(other, context, mask))
