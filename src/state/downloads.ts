/** Files the studio hands the user: a download from bytes, and the runs as CSV. */
import type { SavedRun } from './slices/transfer';

export function download(name: string, data: BlobPart, type = 'application/octet-stream'): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([data], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 2000);
}


/** One row per run and epoch. */
export function runsCsv(runs: SavedRun[]): string {
  const rows = ['run,strategy,optimizer,lr,batch,epoch,trainLoss,trainAcc,valLoss,valAcc,ms'];
  for (const r of runs)
    for (const e of r.epochs) rows.push([r.id, r.strategy, r.config.optimizer, r.config.lr, r.config.batchSize, e.epoch, e.trainLoss, e.trainAcc, e.valLoss, e.valAcc, Math.round(e.ms)].join(','));
  return rows.join('\n');
}
