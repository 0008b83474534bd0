#!/usr/bin/env python3
"""The text.summarize agent's work, for a remote agent loop (python3 only, no packages):

    ainur agent register --manifest examples/agents/summarize-agent.manifest.json --key agent.json
    ainur agent run --key agent.json --exec "python3 examples/agents/summarize-agent.py"

Reads the task's input JSON on stdin, {"text": "...", "sentences": 1}, and prints the output JSON on stdout:
{"summary": <the first `sentences` sentences, spaces normalized>, "sentences": <how many the text has>, "words": <its word count>}.
The same input always gives the same output (the manifest says "deterministic": true), so a dispute over a result is
judged by running this again and comparing hashes. Bad input exits 1 with the reason on stderr: the attempt fails
with that reason.
"""
import json
import re
import sys

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def summarize(task):
    if not isinstance(task, dict) or not isinstance(task.get("text"), str):
        raise ValueError('the input must be an object with a "text" string')
    wanted = task.get("sentences", 1)
    if isinstance(wanted, bool) or not isinstance(wanted, int) or wanted < 1:
        raise ValueError('"sentences" must be a positive integer')
    text = " ".join(task["text"].split())
    sentences = [s for s in SENTENCE_END.split(text) if s]
    return {"summary": " ".join(sentences[:wanted]), "sentences": len(sentences), "words": len(text.split())}


def main():
    try:
        result = summarize(json.load(sys.stdin))
    except (ValueError, json.JSONDecodeError) as error:
        print(f"summarize-agent: {error}", file=sys.stderr)
        return 1
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
