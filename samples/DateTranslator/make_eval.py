#!/usr/bin/env python3
"""Writes an evaluation file for DateTranslator: N random dates, one per line, as `source<TAB>target`.

The dates are drawn uniformly from 1900-01-01 to 2099-12-31 (seeded) and written in the twelve forms of the issue,
for 3 March 1987 (a Tuesday):

    3 March 1987 | March 3, 1987 | Tuesday, March 3, 1987 | 3 Mar 1987 | Mar 3, 1987 | 03.03.1987 | 1987/03/03
    3rd of March 1987 | MARCH 3 1987 | march 3rd, 1987 | Tue 3 Mar 1987 | 1987, March 3

each translated to 1987-03-03. This file is written independently of the C# generator (names from `calendar`,
weekdays from `datetime`). With --variants P, a fraction P of the lines get the small changes someone else might make:
spaces around, another case, zero-padded days, Sept / Tues / Thurs abbreviations.

    python3 samples/DateTranslator/make_eval.py --n 2000 --seed 7 --out dates.tsv
    dotnet run -c Release --project samples/DateTranslator -- --seed 1 --eval dates.tsv
"""
import argparse
import calendar
import datetime
import random

FIRST = datetime.date(1900, 1, 1)
LAST = datetime.date(2099, 12, 31)


def ordinal(day):
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


def forms(date, rng, vary):
    """The twelve forms of `date`; with `vary`, names and days as an outsider might write them."""
    month = calendar.month_name[date.month]
    mon = calendar.month_abbr[date.month]
    weekday = calendar.day_name[date.weekday()]
    wkd = calendar.day_abbr[date.weekday()]
    day = str(date.day)
    if vary:
        case = rng.choice([str, str.upper, str.lower, str.title])
        month, weekday = case(month), case(weekday)
        mon = case({"Sep": rng.choice(["Sep", "Sept"])}.get(mon, mon))
        wkd = case({"Tue": rng.choice(["Tue", "Tues"]), "Thu": rng.choice(["Thu", "Thur", "Thurs"])}.get(wkd, wkd))
        if rng.random() < 0.3:
            day = f"{date.day:02d}"
    y, m, d = date.year, date.month, date.day
    return [
        f"{day} {month} {y}",
        f"{month} {day}, {y}",
        f"{weekday}, {month} {day}, {y}",
        f"{day} {mon} {y}",
        f"{mon} {day}, {y}",
        f"{d:02d}.{m:02d}.{y}",
        f"{y}/{m:02d}/{d:02d}",
        f"{ordinal(d)} of {month} {y}",
        f"{month.upper()} {day} {y}",
        f"{month.lower()} {ordinal(d)}, {y}",
        f"{wkd} {day} {mon} {y}",
        f"{y}, {month} {day}",
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="lines to write (default 2000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--variants", type=float, default=0.0, help="fraction of lines with small variations (default 0)")
    parser.add_argument("--out", default="-", help="output file (default: standard output)")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    span = (LAST - FIRST).days
    lines = []
    for i in range(args.n):
        date = FIRST + datetime.timedelta(days=rng.randint(0, span))
        vary = rng.random() < args.variants
        text = forms(date, rng, vary)[i % 12]
        if vary and rng.random() < 0.3:
            text = " " * rng.randint(0, 2) + text + " " * rng.randint(0, 2)
        lines.append(f"{text}\t{date.isoformat()}\n")

    if args.out == "-":
        print("".join(lines), end="")
    else:
        with open(args.out, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(lines)


if __name__ == "__main__":
    main()
