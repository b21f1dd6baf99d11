#!/usr/bin/python3
# Upper bound on a critic's explained variance for the slipping base: the Bayes-optimal value of every
# token when lines slip independently with probability q to a uniformly drawn wrong digit.
import random, sys
q = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
random.seed(1)
def p_zero(dev, lines):
    # probability that after `lines` more lines the deviation is 0 (mod 10)
    dist = [0.0]*10; dist[dev] = 1.0
    for _ in range(lines):
        new = [0.0]*10
        for d, p in enumerate(dist):
            new[d] += p*(1-q)
            for s in range(1, 10):
                new[(d+s) % 10] += p*q/9
        dist = new
    return dist[0]
tokens = []  # (value, reward)
for _ in range(20000):
    n = random.randint(2, 10)
    lines = n - 1
    dev = 0
    devs = []
    for k in range(lines):
        devs.append(dev)
        if random.random() < q:
            dev = (dev + random.randint(1, 9)) % 10
    R = 1.0 if dev == 0 else 0.0
    # 6 tokens per line; the value changes only after the line's result digit is written
    for k in range(lines):
        v_before = p_zero(devs[k], lines - k)
        tokens += [(v_before, R)] * 5
        d_after = devs[k+1] if k + 1 < lines else dev
        tokens.append((p_zero(d_after, lines - k - 1), R))
    tokens += [(p_zero(dev, 0), R)] * 3
mean = sum(r for _, r in tokens) / len(tokens)
var = sum((r-mean)**2 for _, r in tokens) / len(tokens)
err = sum((r-v)**2 for v, r in tokens) / len(tokens)
# and a critic that only knows n (the prompt)
print(f"q={q}: token-weighted EV of the Bayes-optimal critic {1-err/var:.3f}, reward mean {mean:.3f}")
