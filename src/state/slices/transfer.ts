/** Plain-data state of the transfer-learning studio. */
import type { ResumeMeta } from '../../worker/train/resumeStore';
import type { LayerRow } from '../../ml/core/surgery';
import { COURSE_RECIPE, type Strategy, type TrainConfig } from '../../ml/core/vocab';
import type { EpochStats } from '../../ml/training/loop';
import type { DatasetSummary, RunSummary, TrainModelInfo, TrainResultMap } from '../../worker/train/protocol';

export interface SavedRun {
  id: string;
  label: string;
  date: string;
  model: string;
  dataset: string;
  classes: string[];
  strategy: Strategy;
  config: TrainConfig;
  batchLosses: number[];
  epochs: EpochStats[];
  summary: RunSummary;
}

/** Epoch `epoch` of `epochs`, batch `batch` of its `batches`. */
export interface EpochAt {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
}

export interface TransferSlice {
  tlModel: TrainModelInfo | null;
  tlModelError: string | null;
  tlDataset: DatasetSummary | null;
  /** Thumbnail URLs for the dataset's sample items (object URLs for local files). */
  tlThumbs: Record<string, string>;
  tlDatasetBusy: boolean;
  tlDatasetError: string | null;
  tlStrategy: Strategy;
  tlPlan: { rows: LayerRow[]; note?: string; error?: string } | null;
  tlConfig: TrainConfig;
  tlValFraction: number;
  tlStatus: 'idle' | 'running' | 'paused' | 'stopping';
  /**
   * The work in progress; while the head trains, also where in which epoch (as the worker counts, not re-derived).
   * `startedAt`: when this phase began here; `from`: its count then (a resumed run starts at epoch 15, not 1).
   */
  tlProgress: { phase: 'download' | 'features' | 'train'; done: number; total: number; startedAt: number; from?: number; note?: string; at?: EpochAt } | null;
  tlLive: { batchLosses: number[]; epochs: EpochStats[]; strategy: Strategy } | null;
  tlRuns: SavedRun[];
  /** The run whose trained head the training worker holds (Try it, Export); null after a reload or a new worker. */
  tlHeldRun: string | null;
  /** A run a reload or a closed tab cut off, stored by the training worker after its last epoch (resumeStore.ts). */
  tlResume: ResumeMeta | null;
  tlCache: { entries: number; images: number; bytes: number } | null;
  tlError: string | null;
  /** The model worker is computing on the cores training shares with it: a run waits between batches meanwhile. */
  tlYielding: boolean;
  tlCell: { truth: number; predicted: number } | null;
  /** "Which layer to cut?" on the dataset on screen. */
  tlProbe: { running: boolean; progress: { phase: string; done: number; total: number } | null; result: TrainResultMap['probe'] | null; error: string | null };
}

export const initialTransfer = (): TransferSlice => ({
  tlModel: null,
  tlModelError: null,
  tlDataset: null,
  tlThumbs: {},
  tlDatasetBusy: false,
  tlDatasetError: null,
  tlStrategy: 'fc8',
  tlPlan: null,
  tlConfig: { ...COURSE_RECIPE },
  tlValFraction: 0.2,
  tlStatus: 'idle',
  tlProgress: null,
  tlLive: null,
  tlRuns: [],
  tlHeldRun: null,
  tlResume: null,
  tlCache: null,
  tlError: null,
  tlYielding: false,
  tlCell: null,
  tlProbe: { running: false, progress: null, result: null, error: null },
});
