import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Runs the training test first: it trains the demo adapter through the board, and the later
 * engine tests reuse that adapter instead of training their own.
 */
export class TrainingFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => (file.moduleId.endsWith('/train.test.ts') ? 0 : 1);
    return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
  }
}
