"""Writes the golden ids of the CLIP tokenizer parity test (ClipTokenizerParityTest) from OpenAI's own tokenizer.

Usage (needs Debian's python3-regex and a checkout of github.com/openai/CLIP, which this machine cannot fetch in CI):
    PYTHONPATH=scripts/clip-golden:/path/to/CLIP/clip python3 scripts/clip-golden/golden.py \
        /path/to/CLIP/clip/bpe_simple_vocab_16e6.txt.gz > retouch-diffusion/src/test/resources/clip-openai/golden-ids.jsonl

ftfy is not packaged in Debian: scripts/clip-golden/ftfy stands in for it with Unicode NFC, which is what the fast
tokenizer of Stable Diffusion pipelines applies (ftfy's other repairs do not change the texts below). The ids agree
with those published for the same texts by other CLIP tokenizer implementations' tests (a photo of a cat, Hello,
world!, don't stop 42 times, café über naïve, the emoji and Chinese cases).
"""
import json
import sys

from simple_tokenizer import SimpleTokenizer

CASES = [
    "a photo of a cat",
    "A PHOTO of  a Cat!",
    "Hello, world!",
    "don't stop 42 times",
    "hello-world, 3.14 (test)",
    "caf\u00e9 \u00fcber na\u00efve",
    "cafe\u0301 (decomposed accent)",
    "  spaced   out  ",
    "    \t\n",
    "",
    "\U0001F600 \U0001F603 \U0001F604",
    "red heart \u2764\ufe0f and a thumbs up \U0001F44D\U0001F3FD",
    "\u4f60\u597d\u4e16\u754c",
    "Special characters: !@#$%^&*()",
    "It's a dog's life; we'll see \u2014 isn't it?",
    "an astronaut riding a horse on mars, digital art, 4k, trending on artstation",
    "A painting of a squirrel eating a burger",
    "smiling face with sunglasses",
    "\u00dcn\u00efc\u00f6d\u00e9 \u00c5NGSTR\u00d6M fa\u00e7ade",
    " ".join(["cat"] * 100),
]

tokenizer = SimpleTokenizer(bpe_path=sys.argv[1])
sot, eot = tokenizer.encoder["<|startoftext|>"], tokenizer.encoder["<|endoftext|>"]
for text in CASES:
    print(json.dumps({"text": text, "ids": [sot] + tokenizer.encode(text) + [eot]}))
