"""same_output.py EXPECTED ACTUAL PLACES: the output a document shows for a
step (EXPECTED) against what the step printed (ACTUAL), for
tests/docs/procedure.sh. Every line of EXPECTED but "..." must occur in
ACTUAL, in order. Before comparing, grouped ids and checkpoints
(1FKE-21B5-NCDE-J7PD, TEB-1001 is not one) become ID, and the sandbox's
folders are put back to the document's (PLACES: lines "SANDBOX<TAB>DOC")."""
import re
import sys

ID = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{1,4}){1,7}\b")


def normal(line, places):
    for sandbox, doc in places:
        line = line.replace(sandbox, doc)
    return ID.sub("ID", line.rstrip())


def main():
    places = []
    with open(sys.argv[3], encoding="utf-8") as f:
        for row in f:
            if "\t" in row:
                places.append(tuple(row.rstrip("\n").split("\t", 1)))
    places.sort(key=lambda p: -len(p[0]))  # the longest folder first
    with open(sys.argv[2], encoding="utf-8", errors="replace") as f:
        actual = [normal(l, places) for l in f]
    at = 0
    with open(sys.argv[1], encoding="utf-8") as f:
        for n, want in enumerate(f, 1):
            if want.strip() == "...":
                continue
            want = normal(want, [])
            for i in range(at, len(actual)):
                if actual[i] == want:
                    at = i + 1
                    break
            else:
                print(f"FAIL: the document's output line {n} was not printed (in this order): {want!r}")
                print("the step printed (normalised):")
                print("\n".join(actual))
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
