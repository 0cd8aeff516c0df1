/** Validation metrics of a head on feature rows: loss, accuracy, confusion, per-item predictions; precision/recall. */
import * as tf from '@tensorflow/tfjs';
import type { FeatureSet } from './features';
import type { Body, Head } from './head';

export interface EvalResult {
  loss: number;
  acc: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  /** Per validation item: predicted class and its probability. */
  predicted: Int32Array;
  confidence: Float32Array;
}

export async function evaluate(head: Head, set: FeatureSet, numClasses: number, batchSize = 256, body?: Body): Promise<EvalResult> {
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const predicted = new Int32Array(set.n);
  const confidence = new Float32Array(set.n);
  let lossSum = 0;
  let correct = 0;
  for (let s = 0; s < set.n; s += batchSize) {
    const n = Math.min(batchSize, set.n - s);
    const [lossT, probsT] = tf.tidy(() => {
      const x = tf.tensor2d(set.x.subarray(s * set.dim, (s + n) * set.dim), [n, set.dim]);
      const logits = head.apply(body ? body.forward(x) : x);
      const y = tf.oneHot(tf.tensor1d(set.y.subarray(s, s + n), 'int32'), numClasses);
      return [tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.SUM), tf.softmax(logits)];
    });
    lossSum += (await lossT.data())[0]!;
    const p = (await probsT.data()) as Float32Array;
    tf.dispose([lossT, probsT]);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < numClasses; c++) if (p[i * numClasses + c]! > p[i * numClasses + best]!) best = c;
      predicted[s + i] = best;
      confidence[s + i] = p[i * numClasses + best]!;
      const t = set.y[s + i]!;
      confusion[t]![best]!++;
      if (best === t) correct++;
    }
  }
  return { loss: set.n ? lossSum / set.n : NaN, acc: set.n ? correct / set.n : NaN, confusion, predicted, confidence };
}

/** Per-class precision and recall from a confusion matrix. */
export function precisionRecall(confusion: number[][]): { precision: number; recall: number }[] {
  return confusion.map((row, c) => {
    const tp = row[c]!;
    const predicted = confusion.reduce((a, r) => a + r[c]!, 0);
    const actual = row.reduce((a, b) => a + b, 0);
    return { precision: predicted ? tp / predicted : 0, recall: actual ? tp / actual : 0 };
  });
}
