// Process entry for the registry double: `tsx registry-main.ts [--port N] [--file path]`.
// Prints {"url":...} on one line when listening; exits on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startRegistryDouble } from './registry-double.ts';
import { onShutdown } from './shutdown.ts';

const { values } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string' }, file: { type: 'string' } },
});
const registry = await startRegistryDouble({
  port: values.port === undefined ? 0 : Number(values.port),
  host: values.host,
  file: values.file,
});
console.log(JSON.stringify({ url: registry.url }));
onShutdown(() => registry.stop());
