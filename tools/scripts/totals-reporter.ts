// Ends `pnpm test` with one line, `N passed, N failed`, so that CI logs show at a glance that the
// suite ran at all. Test files that failed to load count as failures: they hid their tests.
import type { Reporter, TestModule } from 'vitest/node';

export default class TotalsReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[], unhandledErrors: readonly unknown[]): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    for (const testModule of testModules) {
      let testsInModule = 0;
      for (const testCase of testModule.children.allTests()) {
        testsInModule += 1;
        const { state } = testCase.result();
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
      }
      if (testsInModule === 0 && testModule.state() === 'failed') failed += 1;
    }
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
  }
}
