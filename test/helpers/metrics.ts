/** One sample of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of `name` (exactly that metric name; histograms expose `_bucket`, `_sum`, `_count` names). */
export function samples(text: string, name: string): Sample[] {
  const found: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]));
    found.push({ name, labels, value: Number(match[3]) });
  }
  return found;
}

const matches = (sample: Sample, labels: Record<string, string>) => Object.entries(labels).every(([k, v]) => sample.labels[k] === v);

/** Sum of the samples of `name` whose labels include `labels` (0 when there are none). */
export function sumSamples(text: string, name: string, labels: Record<string, string> = {}): number {
  return samples(text, name)
    .filter((sample) => matches(sample, labels))
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** The value of the one series of `name` with `labels`, whatever the label order; undefined if absent. */
export function sampleValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  return samples(text, name).find((sample) => matches(sample, labels))?.value;
}
