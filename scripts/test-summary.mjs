// Prints the test run's closing line in the plain form CI reads: "Tests: N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.vitest-report.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('Tests: 0 passed, 1 failed (no test report was written)');
  process.exit(1);
}
// A file that failed outside its tests (a hook timed out, an import threw) has no failed assertion of its own.
const failedSuites = report.testResults.filter((s) => s.status === 'failed' && !s.assertionResults.some((a) => a.status === 'failed')).length;
const failed = report.numFailedTests + failedSuites;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`Tests: ${report.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
