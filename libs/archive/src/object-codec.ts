import { gunzip, gzipDeterministic } from './gzip.ts';
import { parseArchiveLine, serialiseLine, type ArchiveLine, type ArchivedRecord } from './record-line.ts';

export const OBJECT_CONTENT_TYPE = 'application/gzip';

/** NDJSON text of the lines, one record per line, each ending in a newline. */
function ndjson(lines: ArchiveLine[]): Buffer {
  return Buffer.from(lines.map(serialiseLine).join(''), 'utf8');
}

/** The gzip NDJSON object body for these lines. */
export const encodeArchiveObject = (lines: ArchiveLine[]): Buffer => gzipDeterministic(ndjson(lines));

/** Every record of an archive object, in the stored (offset) order. */
export function decodeArchiveObject(body: Buffer): ArchivedRecord[] {
  return gunzip(body)
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map(parseArchiveLine);
}
