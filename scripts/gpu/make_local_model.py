"""Builds a GPT-2-style model directory with random weights and a freshly trained tokenizer.

For measuring on a machine with no model hub (issue #9): `model:` in the campaign points at the
directory this writes. Random weights cost the same compute (and so the same energy) per token as
trained ones of the same shape; the text they generate is noise. Every result measured with this
model must say "random weights".

Usage: python3 make_local_model.py OUT_DIR [--layers 12] [--width 768] [--heads 12] [--vocab 8192]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def training_text() -> list[str]:
    """Prompts bundled with llem when it is installed (same words the measurement will feed), else filler."""
    try:
        from importlib.resources import files

        data = files("llenergymeasure.datasets.builtin").joinpath("aienergyscore.jsonl").read_text()
        lines = []
        for line in data.splitlines():
            if line.strip():
                row = json.loads(line)
                lines.append(" ".join(str(v) for v in row.values() if isinstance(v, str)))
        if lines:
            return lines
    except Exception as exc:  # noqa: BLE001 - any failure falls back to filler text
        print(f"make_local_model: llem's prompts not readable ({exc}); training on filler text", file=sys.stderr)
    words = "energy token model power watt joule batch precision latency throughput".split()
    return [" ".join(words[(i * 7 + j) % len(words)] for j in range(40)) for i in range(2000)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--width", type=int, default=768)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--vocab", type=int, default=8192)
    ap.add_argument("--positions", type=int, default=1024)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=args.vocab,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(training_text(), trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
        pad_token="<|endoftext|>",
        model_max_length=args.positions,
    )
    fast.save_pretrained(out)

    torch.manual_seed(args.seed)
    eos = fast.convert_tokens_to_ids("<|endoftext|>")
    config = GPT2Config(
        vocab_size=len(fast),
        n_positions=args.positions,
        n_embd=args.width,
        n_layer=args.layers,
        n_head=args.heads,
        bos_token_id=eos,
        eos_token_id=eos,
        pad_token_id=eos,
    )
    model = GPT2LMHeadModel(config)
    model.save_pretrained(out)
    (out / "RANDOM_WEIGHTS.txt").write_text(
        "GPT-2-style model with random weights and a tokenizer trained on the spot (llem Studio issue #9).\n"
        "Same compute per token as a trained model of this shape; its output text is meaningless.\n"
    )
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"model_dir": str(out), "parameters": params, "vocab": len(fast), "layers": args.layers, "width": args.width}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
