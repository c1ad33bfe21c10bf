#!/usr/bin/env python3
"""Recompute a CultureDesk lottery (摇号) from what was published.

Usage: verify_lottery.py SEED_HEX COMMITMENT APPLICATIONS.csv TOTAL_SEATS

APPLICATIONS.csv is the frozen list, with the header `application_no,seats`.
Checks that sha256(seed_hex) equals the commitment, then prints one line per
application in drawn order, tab-separated: win|wait, draw position, number, seats.
Exits with 2 when the seed does not match the commitment. See docs/lottery.md.
Standard library only.
"""
import csv
import hashlib
import sys


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 1
    seed_hex = argv[1].strip().lower()
    commitment = argv[2].strip().lower()
    total = int(argv[4])
    if len(seed_hex) != 64 or any(c not in "0123456789abcdef" for c in seed_hex):
        print("the seed must be 64 hex digits", file=sys.stderr)
        return 2
    if sha256_hex(seed_hex) != commitment:
        print("commitment MISMATCH: this seed is not the one committed to", file=sys.stderr)
        return 2
    print("commitment ok")

    with open(argv[3], newline="", encoding="utf-8-sig") as f:
        rows = [(r["application_no"].strip(), int(r["seats"])) for r in csv.DictReader(f)]
    seats = dict(rows)
    if len(seats) != len(rows):
        print("an application number is listed twice", file=sys.stderr)
        return 1

    # Key = sha256(seed_hex + ":" + application_no); sort ascending, ties by number.
    order = sorted(seats, key=lambda a: (sha256_hex(seed_hex + ":" + a), a))
    free = total
    for position, number in enumerate(order, start=1):
        wanted = seats[number]
        if wanted <= free:
            free -= wanted
            outcome = "win"
        else:
            outcome = "wait"
        print(f"{outcome}\t{position}\t{number}\t{wanted}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
