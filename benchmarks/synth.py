"""Project-generated corpora for benchmarks and scale tests: good articles and broken files.

Why generated: benchmarks and scale tests need thousands of articles that look like the
news detente codes (actors, verbs, dates, places), and they must be reproducible offline.
Each article is built by recombining sentences of the bundled, project-written sample
corpus under a new id, outlet line and publication date, with a seeded random generator,
so the same seed gives byte-identical files and the coder sees realistic sentences.

The broken-file generators write what real corpora hold: binaries, empty files, a 50 MB
single line, invalid UTF-8, HTML cut mid-tag, JSON Lines and CSV cut mid-record, and
sentences far longer than any real one. Every writer streams to disk, so a 100k-article
corpus never sits in memory.

Usage::

    python benchmarks/synth.py OUT_DIR --articles 1000 [--format txt|jsonl] [--broken]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

from detente.ingest.readers import read_documents

OUTLETS = (
    "Synthetic Wire",
    "Generated Gazette",
    "Recombined Review",
    "Sampled Herald",
    "Shuffled Times",
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def sample_dir() -> Path:
    """The bundled sample corpus (project-written articles) that sentences are drawn from."""
    return Path(str(resources.files("detente") / "data" / "sample" / "articles"))


@lru_cache(maxsize=1)
def sentence_pool() -> tuple[str, ...]:
    """Every sentence of the sample corpus after page cleaning, in a stable order.

    Read through detente's own readers so HTML pages contribute their cleaned text, not
    markup; split with a plain regex (not spaCy) so generation costs no model load.
    """
    pool: list[str] = []
    for article in read_documents(sample_dir(), on_error=lambda err: None):
        for paragraph in article.text.split("\n"):
            for sentence in _SENTENCE_END.split(paragraph.strip()):
                # Headlines and bylines have no full stop; only prose sentences are reused.
                if len(sentence) > 40 and sentence.rstrip().endswith((".", "!", "?", '"')):
                    pool.append(sentence.strip())
    if not pool:
        raise RuntimeError(f"no sentences found in the sample corpus at {sample_dir()}")
    return tuple(pool)


def invented_name(rng: random.Random) -> str:
    """A name no dictionary holds: four consonant-vowel syllables (about 24 million of them)."""
    return "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(4)).capitalize()


def article_text(
    rng: random.Random, *, sentences: int, published: date, outlet: str, new_names: int = 0
) -> str:
    """One article: headline, outlet/date line, then paragraphs of sampled sentences.

    ``new_names``: a closing byline credits that many invented names. Recombined sentences
    only repeat the sample corpus's words, while real news keeps bringing words the model
    never saw (people, places, numbers): without new words, a benchmark could not see memory
    that keeps one entry per new word.
    """
    pool = sentence_pool()
    body = [rng.choice(pool) for _ in range(sentences)]
    paragraphs = [" ".join(body[i : i + 3]) for i in range(0, len(body), 3)]
    headline = body[0].split(",")[0].rstrip(".")[:90]
    dateline = f"{outlet} | {published.day} {published.strftime('%B')} {published.year}"
    if new_names:
        names = [invented_name(rng) for _ in range(new_names)]
        paragraphs.append(f"Reporting by {', '.join(names)}.")
    return "\n\n".join([headline, dateline, *paragraphs]) + "\n"


def iter_articles(
    n: int, *, seed: int = 0, sentences: tuple[int, int] = (6, 12), new_names: int = 0
) -> Iterator[dict[str, str]]:
    """``n`` generated article records (id, published, outlet, text), one at a time."""
    rng = random.Random(seed)
    start = date(2014, 1, 1)
    for i in range(n):
        published = start + timedelta(days=rng.randrange(0, 3650))
        outlet = rng.choice(OUTLETS)
        text = article_text(
            rng, sentences=rng.randint(*sentences), published=published, outlet=outlet, new_names=new_names
        )
        yield {"id": f"synth-{seed}-{i:07d}", "published": published.isoformat(), "outlet": outlet, "text": text}


def write_text_corpus(
    out: Path, n: int, *, seed: int = 0, sentences: tuple[int, int] = (6, 12), new_names: int = 0
) -> list[Path]:
    """``n`` articles as ``.txt`` files (one a file, 1,000 a subfolder); returns nothing big.

    Returns the list of subfolders written (at most n/1000 entries), not the files.
    """
    out.mkdir(parents=True, exist_ok=True)
    folders: list[Path] = []
    for i, record in enumerate(iter_articles(n, seed=seed, sentences=sentences, new_names=new_names)):
        folder = out / f"part{i // 1000:04d}"
        if i % 1000 == 0:
            folder.mkdir(exist_ok=True)
            folders.append(folder)
        (folder / f"{record['id']}.txt").write_text(record["text"], encoding="utf-8")
    return folders


def write_jsonl_corpus(
    path: Path, n: int, *, seed: int = 0, sentences: tuple[int, int] = (6, 12), new_names: int = 0
) -> Path:
    """``n`` articles as one JSON Lines file, written line by line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for record in iter_articles(n, seed=seed, sentences=sentences, new_names=new_names):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


# ----------------------------------------------------------------------------- broken files


def write_broken_files(out: Path, *, big_line_mb: int = 50, seed: int = 1) -> dict[str, dict[str, object]]:
    """Write one file of each kind of damage into ``out``.

    Returns, per file name, what a reader must report: ``line`` (the 1-based line of the
    error, or None when the file must be read without error) and ``good`` (ids of the
    records in that file that are intact and must still be stored; a page's id is its name).
    """
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    good = iter_articles(6, seed=seed + 100)
    expect: dict[str, dict[str, object]] = {}

    # Binary: NUL bytes in a file named like text.
    (out / "binary.txt").write_bytes(bytes(rng.randrange(256) for _ in range(4096)) + b"\x00" * 64)
    expect["binary.txt"] = {"line": 1, "good": []}

    # Empty file.
    (out / "empty.txt").write_bytes(b"")
    expect["empty.txt"] = {"line": 1, "good": []}

    # Invalid UTF-8 on line 3 of a text page (Latin-1 bytes).
    (out / "latin1.txt").write_bytes(
        b"Headline\n\nFirst line is fine.\n" + b"Caf\xe9 au lait in Ankara\xff\n"
    )
    expect["latin1.txt"] = {"line": 4, "good": []}

    # HTML cut off mid-tag: still readable text up to the cut, so it must not crash.
    rec = next(good)
    html = (
        "<!DOCTYPE html><html><head><title>Cut page</title></head><body><article><p>"
        + rec["text"].replace("\n\n", "</p><p>")
        + "</p><p>The talks were"
        + ' <a href="https://exa'
    )
    (out / "truncated.html").write_text(html, encoding="utf-8")
    expect["truncated.html"] = {"line": None, "good": ["truncated.html"]}

    # JSON Lines: good, good, cut mid-object (line 3), good.
    recs = [next(good) for _ in range(3)]
    lines = [json.dumps(recs[0]), json.dumps(recs[1]), json.dumps(recs[2])[:-40]]
    last = next(good)
    lines.append(json.dumps(last))
    (out / "truncated.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    expect["truncated.jsonl"] = {"line": 3, "good": [recs[0]["id"], recs[1]["id"], last["id"]]}

    # CSV: header, one good row, then a row cut inside a quoted cell at end of file.
    row = next(good)
    text_cell = row["text"].replace('"', '""')
    (out / "truncated.csv").write_text(
        "id,published,text\n"
        f'{row["id"]},{row["published"]},"{text_cell}"\n'
        f'cut-row,2019-01-01,"The ministers met and then',
        encoding="utf-8",
    )
    # The cut row starts after the header (line 1) and the good row's lines (its cell spans lines).
    expect["truncated.csv"] = {"line": 2 + text_cell.count("\n") + 1, "good": [row["id"]]}

    # One 50 MB single line in a JSON Lines file, between two good records.
    a = {"id": "big-before", "published": "2019-05-01", "text": sentence_pool()[0]}
    b = {"id": "big-after", "published": "2019-05-02", "text": sentence_pool()[1]}
    with (out / "huge_line.jsonl").open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(a) + "\n")
        fh.write('{"id": "huge", "text": "')
        chunk = "x" * (1 << 20)
        for _ in range(big_line_mb):
            fh.write(chunk)
        fh.write('"}\n')
        fh.write(json.dumps(b) + "\n")
    expect["huge_line.jsonl"] = {"line": 2, "good": ["big-before", "big-after"]}

    # Huge sentence: one run-on "sentence" of ~60k characters (far past max_sentence_chars) with
    # no full stop, between two good sentences of a good article.
    words = ", ".join(rng.choice(("Russia", "talks", "and the", "border", "Ankara")) for _ in range(8_000))
    pool = sentence_pool()
    (out / "huge_sentence.txt").write_text(
        f"Long page\n\nSynthetic Wire | 3 March 2019\n\n{pool[2]} {words} {pool[3]}\n", encoding="utf-8"
    )
    expect["huge_sentence.txt"] = {"line": None, "good": ["huge_sentence.txt"]}
    return expect


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--format", choices=("txt", "jsonl"), default="txt")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--broken", action="store_true", help="also write one file of each kind of damage")
    args = parser.parse_args()
    if args.format == "txt":
        write_text_corpus(args.out, args.articles, seed=args.seed)
    else:
        write_jsonl_corpus(args.out / "articles.jsonl", args.articles, seed=args.seed)
    if args.broken:
        write_broken_files(args.out / "broken")


if __name__ == "__main__":
    main()
