"""Write a random-weight GGUF chat model that llama.cpp loads and runs for real.

    python tests/make_model.py OUT.gguf [--shape tiny|qwen2.5-0.5b] [--quant q4_k_m] [--vocab FILE.gguf]

`tiny` is a 2-layer qwen2-architecture model of a few hundred kB that loads in milliseconds; `qwen2.5-0.5b` has the
exact tensor shapes and vocabulary size of Qwen2.5-0.5B-Instruct, so it costs what the real model costs. Both carry
a ChatML chat template and a byte-level BPE tokenizer: without `--vocab`, a small one trained here on a built-in
English text (so token counts are plausible, ~4 characters a token); with `--vocab`, the tokenizer keys of a
vocabulary-only GGUF (../shared/vocab/) are copied in. The output text is gibberish; loading, tokenization, prompt
evaluation, sampling, grammars, streaming and stopping are the real llama.cpp code paths.

`--quant` other than f32/f16 runs llama.cpp's own quantizer (llama_model_quantize) on the written file.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

SHAPES = {
    # name: (n_vocab or None for the built-in tokenizer, n_embd, n_layer, n_head, n_head_kv, n_ff, n_ctx_train)
    "tiny": (None, 64, 2, 4, 2, 128, 8192),
    # slow enough that a 3k-token prompt takes a second or so on 2 cores: for Stop-during-prompt tests
    "small": (None, 384, 6, 6, 2, 1024, 8192),
    "qwen2.5-0.5b": (151936, 896, 24, 14, 2, 4864, 32768),
}

CORPUS = """
Welcome back to the show. Today we are talking about asynchronous programming, threads, event loops and why
the user interface should never freeze while the computer is busy. We also talk about models, chapters,
summaries, meetings, interviews, lectures and podcasts. The first thing people ask is what happens when you
press stop, and the answer is that it should stop at once. Then we discuss the news of the week, the new
plugin system, Rust versus Go, and the question of whether the code a language model generates is any good.
Speaker one said that they agreed with most of it, but the second speaker disagreed and explained why the
decision matters for the team, the product and the people who use it every day. Action items: write the
notes, send the minutes, review the transcript, and schedule the next meeting for Thursday at ten.
"""


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character map (what byte-level BPE vocabularies are written in)."""
    bs = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs), strict=True))


def train_bpe(text: str, n_merges: int) -> tuple[list[str], list[str]]:
    """A minimal byte-level BPE trainer: (tokens, merges) in the GPT-2 alphabet."""
    b2u = bytes_to_unicode()
    words = Counter(re.findall(r" ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+", text))
    seqs = {w: [b2u[b] for b in w.encode()] for w in words}
    tokens = [b2u[b] for b in range(256)]
    merges: list[str] = []
    for _ in range(n_merges):
        pairs: Counter[tuple[str, str]] = Counter()
        for w, seq in seqs.items():
            for a, b in zip(seq, seq[1:], strict=False):
                pairs[(a, b)] += words[w]
        if not pairs:
            break
        (a, b), count = pairs.most_common(1)[0]
        if count < 2:
            break
        merges.append(f"{a} {b}")
        tokens.append(a + b)
        for w, seq in seqs.items():
            i, out = 0, []
            while i < len(seq):
                if i + 1 < len(seq) and seq[i] == a and seq[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(seq[i])
                    i += 1
            seqs[w] = out
    return tokens, merges


def _builtin_tokenizer(writer, n_vocab_hint: int | None) -> tuple[int, list[int]]:  # noqa: ANN001
    import gguf

    tokens, merges = train_bpe(CORPUS * 4, n_merges=600)
    tokens = tokens + SPECIALS
    if n_vocab_hint and n_vocab_hint > len(tokens):  # pad to the real model's vocabulary size
        tokens += [f"[PAD{i}]" for i in range(n_vocab_hint - len(tokens))]
    types = [gguf.TokenType.NORMAL] * len(tokens)
    for s in SPECIALS:
        types[tokens.index(s)] = gguf.TokenType.CONTROL
    for i, t in enumerate(tokens):
        if t.startswith("[PAD"):
            types[i] = gguf.TokenType.UNUSED
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(tokens.index("<|endoftext|>"))
    writer.add_eos_token_id(tokens.index("<|im_end|>"))
    writer.add_pad_token_id(tokens.index("<|endoftext|>"))
    writer.add_add_bos_token(False)
    writer.add_chat_template(CHATML)
    return len(tokens), [tokens.index(s) for s in SPECIALS]


def _copied_tokenizer(writer, vocab_path: Path) -> int:  # noqa: ANN001
    import gguf

    reader = gguf.GGUFReader(str(vocab_path))
    n_vocab = 0
    for name, field in reader.fields.items():
        if not name.startswith("tokenizer."):
            continue
        value = field.contents()
        vtype = field.types[0]
        if vtype == gguf.GGUFValueType.ARRAY:
            sub = field.types[-1]
            writer.add_array(name, value) if sub != gguf.GGUFValueType.STRING else writer.add_array(
                name, list(value)
            )
            if name == "tokenizer.ggml.tokens":
                n_vocab = len(value)
        elif vtype == gguf.GGUFValueType.STRING:
            writer.add_string(name, value)
        elif vtype == gguf.GGUFValueType.BOOL:
            writer.add_bool(name, bool(value))
        else:
            writer.add_uint32(name, int(value))
    if "tokenizer.chat_template" not in reader.fields:
        writer.add_chat_template(CHATML)
    return n_vocab


def write_model(
    out: Path, shape: str = "tiny", vocab: Path | None = None, seed: int = 0, eog: str = "normal"
) -> Path:
    import gguf

    vocab_hint, n_embd, n_layer, n_head, n_head_kv, n_ff, n_ctx = SHAPES[shape]
    rng = np.random.default_rng(seed)
    float_type = np.float16 if shape == "qwen2.5-0.5b" else np.float32
    writer = gguf.GGUFWriter(str(out), arch="qwen2")
    writer.add_name(f"recap-test-{shape}")
    writer.add_context_length(n_ctx)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(n_layer)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head_kv)
    writer.add_rope_freq_base(1_000_000.0)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_file_type(
        gguf.LlamaFileType.ALL_F32 if float_type is np.float32 else gguf.LlamaFileType.MOSTLY_F16
    )
    if vocab:
        if eog != "normal":
            raise SystemExit("--eog never|always works with the built-in tokenizer only")
        n_vocab, special_ids = _copied_tokenizer(writer, vocab), []
    else:
        n_vocab, special_ids = _builtin_tokenizer(writer, vocab_hint)
    if vocab and vocab_hint and n_vocab != vocab_hint:
        print(
            f"note: vocabulary has {n_vocab} tokens; the real model's embedding has {vocab_hint}",
            file=sys.stderr,
        )

    head_dim = n_embd // n_head
    kv = head_dim * n_head_kv

    def rand(*shape_: int) -> np.ndarray:
        return (rng.standard_normal(shape_, dtype=np.float32) * 0.02).astype(float_type)

    def ones(n: int) -> np.ndarray:
        return np.ones(n, dtype=np.float32)  # norms and biases stay f32, as llama.cpp's converters write them

    embd = rand(n_vocab, n_embd)
    if eog != "normal":
        # Tied embeddings: logits are h·e. A large shared component in dimension 0 dominates the residual stream,
        # so after the final norm h ≈ (√d, 0, …) and every logit is ≈ √d·e[0]. Ordinary tokens get e[0] = 10
        # (equal logits: varied random text); the control tokens get -10 ("never": end-of-generation is far
        # outside top-k, the model writes until its output cap) or +20 ("always": it ends at once).
        embd = embd.astype(np.float32)
        embd[:, 0] = 10.0
        embd[special_ids, 0] = -10.0 if eog == "never" else 20.0
        # Padded to a real model's vocabulary size, the [PAD] tokens (after the specials) detokenize to nothing:
        # keep them out of reach too, so the model writes visible text. Every logit is still computed.
        embd[max(special_ids) + 1 :, 0] = -10.0
        embd = embd.astype(float_type)
    writer.add_tensor("token_embd.weight", embd)
    writer.add_tensor("output_norm.weight", ones(n_embd))
    for i in range(n_layer):
        p = f"blk.{i}."
        writer.add_tensor(p + "attn_norm.weight", ones(n_embd))
        writer.add_tensor(p + "attn_q.weight", rand(n_embd, n_embd))
        writer.add_tensor(p + "attn_q.bias", np.zeros(n_embd, dtype=np.float32))
        writer.add_tensor(p + "attn_k.weight", rand(kv, n_embd))
        writer.add_tensor(p + "attn_k.bias", np.zeros(kv, dtype=np.float32))
        writer.add_tensor(p + "attn_v.weight", rand(kv, n_embd))
        writer.add_tensor(p + "attn_v.bias", np.zeros(kv, dtype=np.float32))
        writer.add_tensor(p + "attn_output.weight", rand(n_embd, n_embd))
        writer.add_tensor(p + "ffn_norm.weight", ones(n_embd))
        writer.add_tensor(p + "ffn_gate.weight", rand(n_ff, n_embd))
        writer.add_tensor(p + "ffn_up.weight", rand(n_ff, n_embd))
        writer.add_tensor(p + "ffn_down.weight", rand(n_embd, n_ff))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out


QUANTS = {"q4_k_m": 15, "q4_0": 2, "q8_0": 7, "q5_k_m": 17, "q6_k": 18}  # llama_ftype values


def quantize(src: Path, dst: Path, quant: str) -> None:
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = QUANTS[quant]
    params.nthread = os.cpu_count() or 1
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), params)
    if rc != 0:
        raise RuntimeError(f"llama_model_quantize failed with {rc}")


def make_model(
    out: Path, shape: str = "tiny", quant: str = "f32", vocab: Path | None = None, eog: str = "normal"
) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if quant in ("f32", "f16"):
        tmp = out.with_name(out.name + ".part")
        write_model(tmp, shape, vocab, eog=eog)
        os.replace(tmp, out)
        return out
    with tempfile.TemporaryDirectory(dir=out.parent) as d:
        raw = write_model(Path(d) / "raw.gguf", shape, vocab, eog=eog)
        quantize(raw, Path(d) / "q.gguf", quant)
        os.replace(Path(d) / "q.gguf", out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--shape", choices=sorted(SHAPES), default="tiny")
    ap.add_argument("--quant", choices=["f32", "f16", *QUANTS], default="f32")
    ap.add_argument("--vocab", type=Path, help="copy the tokenizer of this vocabulary-only GGUF")
    ap.add_argument(
        "--eog",
        choices=["normal", "never", "always"],
        default="normal",
        help="end-of-generation: as random weights fall (normal), never (writes until its cap), or at once",
    )
    a = ap.parse_args(argv)
    make_model(a.out, a.shape, a.quant, a.vocab, a.eog)
    print(f"{a.out} ({a.out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
