/** Did-you-mean: the known names closest to a misspelt one. */

/** Optimal string alignment distance (a transposition counts as one edit: "smpt" -> "smtp"). */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2] + 1);
      cur[j] = v;
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    before = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** Up to `max` candidates within a distance that grows with the word's length. */
export function suggest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  const scored: { name: string; d: number }[] = [];
  const lower = word.toLowerCase();
  for (const c of candidates) {
    if (c === word) continue;
    const d = editDistance(lower, c.toLowerCase(), limit);
    if (d <= limit) scored.push({ name: c, d });
  }
  scored.sort((x, y) => x.d - y.d || (x.name < y.name ? -1 : 1));
  return scored.slice(0, max).map((s) => s.name);
}
