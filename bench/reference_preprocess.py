"""Time LLaMA-Factory's own preprocessing of a dataset, for comparison with the board's analysis.

Loads the dataset through LLaMA-Factory's ``get_dataset`` (converter, ``qwen2_audio`` template,
Qwen2AudioPlugin with the model's processor, supervised processor) exactly as training would,
on one process, and prints one JSON object: sample count, seconds and samples per second. With
``--lengths`` it also prints each sample's ``input_ids`` length and whether its ``<|AUDIO|>``
token count still matches the clip's features after truncation to ``cutoff_len``.

Usage (with the engine venv):
  python bench/reference_preprocess.py --model DIR --dataset-dir DIR --dataset NAME
      [--cutoff-len 1024] [--max-samples 2000] [--lengths]
"""

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--dataset-dir", required=True)
    parser.add_argument("--dataset", required=True, help="comma-separated dataset names")
    parser.add_argument("--cutoff-len", type=int, default=1024)
    parser.add_argument("--max-samples", type=int, default=None)
    parser.add_argument("--lengths", action="store_true")
    args = parser.parse_args()

    from llamafactory.data import get_dataset, get_template_and_fix_tokenizer
    from llamafactory.hparams import get_train_args
    from llamafactory.model import load_tokenizer

    output_dir = tempfile.mkdtemp(prefix="reference-preprocess-")
    config = {
        "model_name_or_path": args.model,
        "stage": "sft",
        "do_train": True,
        "finetuning_type": "lora",
        "template": "qwen2_audio",
        "dataset": args.dataset,
        "dataset_dir": args.dataset_dir,
        "cutoff_len": args.cutoff_len,
        "output_dir": output_dir,
        "overwrite_cache": True,
        "preprocessing_num_workers": None,
        "report_to": "none",
        "use_cpu": True,
    }
    if args.max_samples is not None:
        config["max_samples"] = args.max_samples
    model_args, data_args, training_args, _, _ = get_train_args(config)

    tokenizer_module = load_tokenizer(model_args)
    tokenizer = tokenizer_module["tokenizer"]
    template = get_template_and_fix_tokenizer(tokenizer, data_args)

    # LLaMA-Factory prints a decoded example to stdout; keep stdout for the JSON result.
    with contextlib.redirect_stdout(sys.stderr):
        start = time.perf_counter()
        module = get_dataset(template, model_args, data_args, training_args, stage="sft", **tokenizer_module)
        seconds = time.perf_counter() - start

    dataset = module["train_dataset"]
    result = {
        "engine": "llamafactory",
        "samples": len(dataset),
        "seconds": round(seconds, 3),
        "samples_per_second": round(len(dataset) / seconds, 1) if seconds > 0 else None,
    }
    if args.lengths:
        audio_id = tokenizer.convert_tokens_to_ids("<|AUDIO|>")
        processor = tokenizer_module["processor"]
        plugin = template.mm_plugin
        rows = []
        for row in dataset:
            audio_tokens = sum(1 for token in row["input_ids"] if token == audio_id)
            expected = 0
            if row["audios"]:
                features = plugin._get_mm_inputs([], [], row["audios"], processor)
                for length in features["feature_attention_mask"].sum(-1).tolist():
                    expected += ((length - 1) // 2 + 1 - 2) // 2 + 1
            rows.append({"length": len(row["input_ids"]), "audio_tokens": audio_tokens, "expected_audio_tokens": expected})
        result["rows"] = rows
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
