import { describe, expect, it } from 'vitest';
import { COURSE_RECIPE } from '../ml/core/vocab';
import { runsCsv } from './downloads';
import type { SavedRun } from './slices/transfer';

describe('runsCsv', () => {
  it('one header and one row per run and epoch, times in whole ms', () => {
    const epoch = (e: number) => ({ epoch: e, trainLoss: 1 / e, trainAcc: 0.5, valLoss: 2 / e, valAcc: 0.4, ms: 1234.6 });
    const run = { id: 'r1', strategy: 'fc8', config: { ...COURSE_RECIPE }, epochs: [epoch(1), epoch(2)] } as unknown as SavedRun;
    const lines = runsCsv([run, { ...run, id: 'r2', epochs: [epoch(1)] }]).split('\n');
    expect(lines[0]).toBe('run,strategy,optimizer,lr,batch,epoch,trainLoss,trainAcc,valLoss,valAcc,ms');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('r1,fc8,sgd,0.01,128,2,0.5,0.5,1,0.4,1235');
  });
});
