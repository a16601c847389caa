// Offline checks of deploy/prometheus and the Grafana dashboard with Debian's promtool (scripts/setup.sh
// installs it): rule syntax and unit tests, the docker-compose Prometheus config, the syntax of every dashboard
// query, and that every metric the dashboard and the alerts name is defined in the code base, so a renamed
// metric breaks this test rather than a panel in production.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '@ckt/observability';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ALERTS = path.join(ROOT, 'deploy/prometheus/alerts.yml');
const ALERT_TESTS = path.join(ROOT, 'deploy/prometheus/alerts.test.yml');
const PROMETHEUS_CONFIG = path.join(ROOT, 'deploy/prometheus/prometheus.yml');
const DASHBOARD = path.join(ROOT, 'deploy/grafana/dashboards/checkout-ingest.json');
const ROWS = ['Overview', 'Consumer lag', 'Bridge', 'Router / Extractor', 'Sink', 'Archiver', 'Process'];
/** Series that come from outside the code base: Prometheus itself and kube-state-metrics (ServiceNotReady). */
const EXTERNAL_METRICS = ['up', 'kube_pod_container_status_ready'];

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ckt-observability-rules-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await promisify(execFile)('promtool', args, { cwd: ROOT });
    return stdout + stderr;
  } catch (error) {
    const { code, stdout, stderr } = error as { code?: string | number; stdout?: string; stderr?: string };
    if (code === 'ENOENT') throw new Error('promtool not found: run scripts/setup.sh (apt-get install prometheus)');
    throw new Error(`promtool ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

interface DashboardTarget {
  expr?: string;
  refId?: string;
  datasource?: { type?: string; uid?: string };
}
interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: DashboardTarget[];
}
interface Dashboard {
  uid: string;
  schemaVersion: number;
  panels: DashboardPanel[];
  templating: { list: { name: string; query: { query: string } | string; datasource?: { uid?: string } }[] };
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;

/** Each panel query with Grafana's variables replaced as Prometheus would receive them. */
function dashboardQueries(): { id: number; panel: string; refId: string; expr: string }[] {
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      id: panel.id,
      panel: panel.title,
      refId: target.refId ?? '?',
      expr: (target.expr ?? '').replaceAll('$service', '.*').replaceAll('$__rate_interval', '5m'),
    })),
  );
}

/** The `expr:` values of a rule file (inline, or a `|`/`>` block), in file order. */
function ruleExpressions(yaml: string): string[] {
  const lines = yaml.split('\n');
  const exprs: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^(\s*)expr:\s*(.*)$/.exec(lines[i] ?? '');
    if (!match) continue;
    const indent = (match[1] ?? '').length;
    const value = (match[2] ?? '').trim();
    if (!/^[|>][-+]?$/.test(value)) {
      exprs.push(value.replace(/^'(.*)'$/, (_, inner: string) => inner.replaceAll("''", "'")));
      continue;
    }
    const block: string[] = [];
    // The block goes on while lines are blank or indented deeper than `expr:`.
    while (i + 1 < lines.length && (/^\s*$/.test(lines[i + 1] ?? '') || (lines[i + 1] ?? '').search(/\S/) > indent)) {
      block.push((lines[++i] ?? '').trim());
    }
    exprs.push(block.join('\n').trim());
  }
  return exprs;
}

const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan']);

/** Metric names a PromQL expression selects (not functions, aggregations, label names or keywords). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...bare.matchAll(/(?<![\w:.])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()/g)].map((m) => m[1] ?? '');
  return names.filter((name) => !PROMQL_KEYWORDS.has(name.toLowerCase()));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const seriesOf = (name: string, type: string): string[] =>
  type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : type === 'summary' ? [name, `${name}_sum`, `${name}_count`] : [name];

/** Series names the code base defines: `new Counter|Gauge|Histogram|Summary({ name })` in every package's src. */
function definedSeries(): Set<string> {
  const defined = new Set<string>();
  for (const group of ['libs', 'services', 'tools']) {
    for (const pkg of readdirSync(path.join(ROOT, group))) {
      let files: string[];
      try {
        files = sourceFiles(path.join(ROOT, group, pkg, 'src'));
      } catch {
        continue;
      }
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/new (Counter|Gauge|Histogram|Summary)(?:<[^>]*>)?\(\{[^]*?\bname:\s*['"]([a-zA-Z_:][\w:]*)['"]/g)) {
          for (const series of seriesOf(m[2] ?? '', (m[1] ?? '').toLowerCase())) defined.add(series);
        }
      }
    }
  }
  return defined;
}

/** prom-client's default metrics, which every service registers through createMetricsRegistry. */
async function processSeries(): Promise<string[]> {
  const metrics = await createMetricsRegistry('observability-test').getMetricsAsJSON();
  return metrics.flatMap((metric) => seriesOf(metric.name, String(metric.type)));
}

describe('Prometheus rules and config', () => {
  it('alerts.yml passes promtool check rules', async () => {
    expect(await promtool('check', 'rules', ALERTS)).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('alerts.test.yml passes promtool test rules', async () => {
    expect(await promtool('test', 'rules', ALERT_TESTS)).toContain('SUCCESS');
  });

  it('the docker-compose prometheus.yml, pointed at this alerts.yml, passes promtool check config', async () => {
    const original = readFileSync(PROMETHEUS_CONFIG, 'utf8');
    expect(original).toContain('/etc/prometheus/alerts.yml');
    const variant = path.join(tmp, 'prometheus.yml');
    writeFileSync(variant, original.replace('/etc/prometheus/alerts.yml', ALERTS));
    const output = await promtool('check', 'config', variant);
    expect(output).toContain('is valid prometheus config file syntax');
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('reads every rule expression of alerts.yml', () => {
    const yaml = readFileSync(ALERTS, 'utf8');
    const exprs = ruleExpressions(yaml);
    expect(exprs).toHaveLength((yaml.match(/^\s*- (alert|record):/gm) ?? []).length);
    expect(exprs.every((expr) => expr.length > 0)).toBe(true);
  });
});

describe('Grafana dashboard', () => {
  const panels = dashboard.panels.filter((p) => p.type !== 'row');

  it('has the agreed rows, the $service variable and the prometheus datasource everywhere', () => {
    expect(dashboard.uid).toBe('checkout-ingest');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual(ROWS);
    expect(dashboard.panels[0]?.type).toBe('row');
    const service = dashboard.templating.list.find((v) => v.name === 'service');
    expect(service?.datasource?.uid).toBe('prometheus');
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe('prometheus');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid, panel.title).toBe('prometheus');
        expect(target.expr, panel.title).toBeTruthy();
      }
    }
  });

  it('lays panels out on the 24-column grid without overlaps, with unique ids', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const taken = new Map<string, string>();
    for (const panel of dashboard.panels) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
      for (let row = y; row < y + h; row++) {
        for (let col = x; col < x + w; col++) {
          const cell = `${col},${row}`;
          expect(taken.get(cell), `${panel.title} overlaps ${taken.get(cell)}`).toBeUndefined();
          taken.set(cell, panel.title);
        }
      }
    }
  });

  it('uses no Grafana variable other than $service and $__rate_interval', () => {
    for (const { panel, expr } of dashboardQueries()) expect(expr, panel).not.toContain('$');
  });

  it('every panel query parses (promtool check rules on one recording rule per query)', async () => {
    const queries = dashboardQueries();
    // promtool names a failing rule: dashboard:panel_<panel id>_<refId>.
    const rules = queries.map((q) => `      - record: dashboard:panel_${q.id}_${q.refId}\n        expr: ${JSON.stringify(q.expr)}`);
    const file = path.join(tmp, 'dashboard-queries.yml');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
    expect(await promtool('check', 'rules', file)).toContain(`SUCCESS: ${queries.length} rules found`);
  });
});

describe('metric names', () => {
  it('the PromQL name extractor finds selected metrics only', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, table) (rate(sink_flush_seconds_bucket{service=~".*"}[5m] offset 1h))) ' +
          'or label_replace(sum(a:b:c) without (x), "stage", "sink", "", "") > bool 2e3 unless on () vector(0) and time() - up',
      ),
    ).toEqual(['sink_flush_seconds_bucket', 'a:b:c', 'up']);
  });

  it('every metric in the dashboard and alerts.yml is defined by the code base, a recording rule or a known exporter', async () => {
    const yaml = readFileSync(ALERTS, 'utf8');
    const recorded = [...yaml.matchAll(/^\s*- record:\s*(\S+)/gm)].map((m) => m[1] ?? '');
    const defined = definedSeries();
    // The grep finds the definitions at all (a broken pattern would find nothing and fail everything below).
    expect(defined).toContain('kafka_consumergroup_lag');
    expect(defined).toContain('sink_ingest_latency_seconds_bucket');
    const known = new Set([...defined, ...(await processSeries()), ...recorded, ...EXTERNAL_METRICS]);

    const used = [
      ...dashboardQueries().map((q) => ({ where: `dashboard panel "${q.panel}" ${q.refId}`, expr: q.expr })),
      ...ruleExpressions(yaml).map((expr) => ({ where: 'alerts.yml', expr })),
    ];
    const unknown = used.flatMap(({ where, expr }) => metricNames(expr).filter((name) => !known.has(name)).map((name) => `${name} (${where})`));
    expect(unknown).toEqual([]);
    expect(used.flatMap(({ expr }) => metricNames(expr))).toContain('pipeline_dead_letters_total');
  });
});
