import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { incompatibilities, parseAvro, parseLevel } from './compatibility.ts';
import type { CompatibilityLevel } from './compatibility.ts';
import {
  incompatibleSchema,
  invalidSchema,
  invalidVersion,
  schemaNotFound,
  subjectConfigNotFound,
  subjectNotFound,
  versionNotFound,
} from './errors.ts';

interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  schema: string;
}

/** Everything the registry knows; also the persisted file format. */
interface State {
  nextId: number;
  /** id -> schema text (minified JSON, so the same schema always maps to the same id). */
  schemas: Record<string, string>;
  /** subject -> versions in order; version numbers keep rising after deletes, as in Confluent. */
  subjects: Record<string, { version: number; id: number }[]>;
  /** subject -> highest version ever used. */
  lastVersion: Record<string, number>;
  globalLevel: CompatibilityLevel;
  subjectLevels: Record<string, CompatibilityLevel>;
}

const emptyState = (): State => ({
  nextId: 1,
  schemas: {},
  subjects: {},
  lastVersion: {},
  globalLevel: 'BACKWARD',
  subjectLevels: {},
});

/** Normalises a schema text so whitespace differences do not mint new ids; rejects non-Avro. */
function normalise(schema: unknown): string {
  if (typeof schema !== 'string') throw invalidSchema('"schema" must be a string');
  parseAvro(schema);
  return JSON.stringify(JSON.parse(schema));
}

/** In-memory registry state with Confluent semantics, optionally persisted to a JSON file. */
export class SchemaStore {
  private state: State;

  constructor(private readonly file?: string) {
    const saved = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<State>) : {};
    this.state = { ...emptyState(), ...saved };
  }

  subjects(): string[] {
    return Object.keys(this.state.subjects).sort();
  }

  versions(subject: string): number[] {
    return this.versionsOf(subject).map((v) => v.version);
  }

  schemaById(id: number): string {
    const schema = this.state.schemas[String(id)];
    if (schema === undefined) throw schemaNotFound();
    return schema;
  }

  subjectsOfId(id: number): { subject: string; version: number }[] {
    this.schemaById(id);
    const out: { subject: string; version: number }[] = [];
    for (const [subject, versions] of Object.entries(this.state.subjects)) {
      for (const v of versions) if (v.id === id) out.push({ subject, version: v.version });
    }
    return out;
  }

  /** `version` is a number or "latest" (also -1, as Confluent accepts). */
  getVersion(subject: string, version: string): SubjectVersion {
    const versions = this.versionsOf(subject);
    let entry: { version: number; id: number } | undefined;
    if (version === 'latest' || version === '-1') {
      entry = versions.at(-1);
    } else {
      const n = Number(version);
      if (!Number.isInteger(n) || n < 1) throw invalidVersion(version);
      entry = versions.find((v) => v.version === n);
    }
    if (!entry) throw versionNotFound();
    return { subject, version: entry.version, id: entry.id, schema: this.schemaById(entry.id) };
  }

  /** POST /subjects/:s — finds the version of `schema` under `subject`. */
  lookup(subject: string, schema: unknown): SubjectVersion {
    const text = normalise(schema);
    const found = this.versionsOf(subject).find((v) => this.state.schemas[String(v.id)] === text);
    if (!found) throw schemaNotFound();
    return { subject, version: found.version, id: found.id, schema: text };
  }

  /** POST /subjects/:s/versions — returns the id; an already registered schema keeps its id. */
  register(subject: string, schema: unknown): number {
    const text = normalise(schema);
    const existing = this.state.subjects[subject] ?? [];
    const same = existing.find((v) => this.state.schemas[String(v.id)] === text);
    if (same) return same.id;

    const reasons = incompatibilities(
      text,
      existing.map((v) => this.schemaById(v.id)),
      this.level(subject),
    );
    if (reasons.length > 0) throw incompatibleSchema(reasons.join('; '));

    let id = this.idOf(text);
    if (id === undefined) {
      id = this.state.nextId++;
      this.state.schemas[String(id)] = text;
    }
    const version = (this.state.lastVersion[subject] ?? 0) + 1;
    this.state.lastVersion[subject] = version;
    this.state.subjects[subject] = [...existing, { version, id }];
    this.save();
    return id;
  }

  /** POST /compatibility/subjects/:s/versions/:v — against one version, or all under a transitive level when `version` is undefined. */
  compatibility(subject: string, version: string | undefined, schema: unknown): string[] {
    const text = normalise(schema);
    const level = this.level(subject);
    if (version === undefined) {
      return incompatibilities(text, this.versionsOrEmpty(subject).map((v) => this.schemaById(v.id)), level);
    }
    // Confluent answers compatible for a subject that has nothing registered yet.
    if ((version === 'latest' || version === '-1') && this.versionsOrEmpty(subject).length === 0) return [];
    const against = this.getVersion(subject, version);
    return incompatibilities(text, [against.schema], level.replace('_TRANSITIVE', '') as CompatibilityLevel);
  }

  deleteSubject(subject: string): number[] {
    const versions = this.versions(subject);
    delete this.state.subjects[subject];
    delete this.state.subjectLevels[subject];
    this.save();
    return versions;
  }

  deleteVersion(subject: string, version: string): number {
    const entry = this.getVersion(subject, version);
    const remaining = this.versionsOf(subject).filter((v) => v.version !== entry.version);
    if (remaining.length > 0) this.state.subjects[subject] = remaining;
    else delete this.state.subjects[subject];
    this.save();
    return entry.version;
  }

  globalLevel(): CompatibilityLevel {
    return this.state.globalLevel;
  }

  setGlobalLevel(level: unknown): CompatibilityLevel {
    this.state.globalLevel = parseLevel(level);
    this.save();
    return this.state.globalLevel;
  }

  /** The subject's own level; throws 40408 unless `defaultToGlobal`. */
  subjectLevel(subject: string, defaultToGlobal: boolean): CompatibilityLevel {
    const own = this.state.subjectLevels[subject];
    if (own) return own;
    if (defaultToGlobal) return this.state.globalLevel;
    throw subjectConfigNotFound(subject);
  }

  setSubjectLevel(subject: string, level: unknown): CompatibilityLevel {
    const parsed = parseLevel(level);
    this.state.subjectLevels[subject] = parsed;
    this.save();
    return parsed;
  }

  deleteSubjectLevel(subject: string): CompatibilityLevel {
    const level = this.subjectLevel(subject, false);
    delete this.state.subjectLevels[subject];
    this.save();
    return level;
  }

  private level(subject: string): CompatibilityLevel {
    return this.subjectLevel(subject, true);
  }

  private idOf(text: string): number | undefined {
    for (const [id, schema] of Object.entries(this.state.schemas)) if (schema === text) return Number(id);
    return undefined;
  }

  private versionsOrEmpty(subject: string): { version: number; id: number }[] {
    return this.state.subjects[subject] ?? [];
  }

  private versionsOf(subject: string): { version: number; id: number }[] {
    const versions = this.state.subjects[subject];
    if (!versions || versions.length === 0) throw subjectNotFound(subject);
    return versions;
  }

  /** Write-then-rename, so a crash never leaves a half-written file. */
  private save(): void {
    if (!this.file) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state, null, 2));
    renameSync(tmp, this.file);
  }
}
