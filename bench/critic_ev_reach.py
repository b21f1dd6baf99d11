#!/usr/bin/python3
# How much of blind-spots' return variance a critic could explain from what it can compute locally,
# on teacher-written chains, token-weighted as bench/critic_ev_bound.py and the learner measure it.
# Each predictor is the mean return per cell of its features, fitted on N chains and scored on N/2
# others; the Bayes-optimal value (exact dynamic programming over the teacher) is the bound.
#   python3 bench/critic_ev_reach.py [N=20000]
import collections, random, sys

MASK = (1 << 48) - 1


class JavaRandom:
    """java.util.Random, to draw the same blind spots as BlindSpotTeacher.standard()."""
    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & MASK

    def next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & MASK
        r = self.seed >> (48 - bits)
        return r - (1 << 32) if r >= 1 << 31 else r

    def next_int(self, bound):
        if bound & -bound == bound:
            return (bound * self.next(31)) >> 31
        while True:
            bits = self.next(31)
            val = bits % bound
            if bits - val + (bound - 1) < 1 << 31:
                return val


def standard_blind_spots(share=0.3, seed=20261201):
    facts = [(d, t) for d in range(10) for t in range(1, 10)]
    rnd = JavaRandom(seed)
    for i in range(len(facts), 1, -1):  # Collections.shuffle
        j = rnd.next_int(i)
        facts[i - 1], facts[j] = facts[j], facts[i - 1]
    blind = [[False] * 10 for _ in range(10)]
    for d, t in facts[:round(share * len(facts))]:
        blind[d][t] = True
    return blind


BLIND = standard_blind_spots()
P_BLIND, P_SLIP = 0.9, 0.02
RISK = [sum(BLIND[d][t] for d in range(10)) / 10 for t in range(10)]  # P(blind | term), digit unknown


def writes(w, t):
    right = (w + t) % 10
    p = [P_SLIP / 9] * 10
    p[right] = 1 - P_SLIP
    if BLIND[w][t]:
        p = [0.0] * 10
        p[right], p[(right + 1) % 10] = 1 - P_BLIND, P_BLIND
    return p


def value(w, terms, truth):
    dist = [0.0] * 10
    dist[w] = 1.0
    for t in terms:
        new = [0.0] * 10
        for a, pa in enumerate(dist):
            if pa:
                for b, pb in enumerate(writes(a, t)):
                    new[b] += pa * pb
        dist = new
    return dist[truth]


def features(n, k, wrong, w, rest):
    ahead, d = 0, w
    for t in rest:
        ahead += BLIND[d][t]
        d = (d + t) % 10
    return dict(n=n, k=k, wrong=wrong, next_blind=bool(rest) and BLIND[w][rest[0]],
                risk=round(2 * sum(RISK[t] for t in rest)) / 2, ahead=ahead)


def chain(rng):
    """Token rows (features, phase, Bayes value, return) of one teacher-written chain."""
    n = rng.randint(2, 16)
    terms = [rng.randint(1, 9) for _ in range(n)]
    truth = sum(terms) % 10
    rows, w, r, wrong = [], terms[0], terms[0], False
    for k in range(1, n):
        rows += [(features(n, k, wrong, w, terms[k:]), 'before', value(w, terms[k:], truth))] * 5
        w = rng.choices(range(10), writes(w, terms[k]))[0]
        r = (r + terms[k]) % 10
        wrong = wrong or w != r
        rows.append((features(n, k, wrong, w, terms[k + 1:]), 'after', value(w, terms[k + 1:], truth)))
    ret = 1.0 if w == truth else 0.0
    rows += [(features(n, n, wrong, w, []), 'answer', ret)] * 3
    return [(f, phase, v, ret) for f, phase, v in rows]


PREDICTORS = {
    'term count and line': lambda f: (f['n'], f['k']),
    '+ whether a line so far is wrong': lambda f: (f['n'], f['k'], f['wrong']),
    '+ whether the fact being written is a blind spot': lambda f: (f['n'], f['k'], f['wrong'], f['next_blind']),
    '+ the remaining terms\' risk, digit unknown': lambda f: (f['n'], f['k'], f['wrong'], f['next_blind'], f['risk']),
    'term count, line, wrong so far, blind spots on the chain ahead (look-ahead)':
        lambda f: (f['n'], f['k'], f['wrong'], f['ahead']),
}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    rng = random.Random(1)
    fit = [row for _ in range(n) for row in chain(rng)]
    test = [row for _ in range(n // 2) for row in chain(rng)]
    mean = sum(row[3] for row in test) / len(test)
    var = sum((row[3] - mean) ** 2 for row in test) / len(test)
    ev = lambda err: 1 - err / len(test) / var
    print(f"{n} + {n // 2} chains; Bayes-optimal EV {ev(sum((row[3] - row[2]) ** 2 for row in test)):.3f}")
    for name, key in PREDICTORS.items():
        cells = collections.defaultdict(lambda: [0.0, 0])
        for f, phase, _, ret in fit:
            c = cells[key(f) + (phase,)]
            c[0] += ret
            c[1] += 1
        err = 0.0
        for f, phase, _, ret in test:
            c = cells.get(key(f) + (phase,))
            err += (ret - (c[0] / c[1] if c else mean)) ** 2
        print(f"{name}: EV {ev(err):.3f} ({len(cells)} cells)")


if __name__ == '__main__':
    main()
