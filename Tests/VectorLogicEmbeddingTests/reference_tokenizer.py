#!/usr/bin/env python3
"""Reference token ids from the `tokenizers` library (PyPI), configured as sentence-transformers runs
all-MiniLM-L6-v2: the model's tokenizer.json, no padding, truncation at 256 ids (special tokens included).

    python3 reference_tokenizer.py TOKENIZER_JSON TEXTS_JSONL OUT_JSONL

TEXTS_JSONL: one JSON string per line. OUT_JSONL: one JSON array of ids per line, same order.
"""
import json
import sys

from tokenizers import Tokenizer

tokenizer = Tokenizer.from_file(sys.argv[1])
tokenizer.no_padding()
tokenizer.enable_truncation(max_length=256)
with open(sys.argv[2], encoding="utf-8") as source:
    texts = [json.loads(line) for line in source]
with open(sys.argv[3], "w", encoding="utf-8") as out:
    for encoding in tokenizer.encode_batch(texts):
        out.write(json.dumps(encoding.ids) + "\n")
