/**
 * SGD with momentum whose update takes one pass over each weight where the backend has a kernel
 * for it (runtime/wasm/momentumStep.ts), and TF.js's own ops elsewhere: the same values either
 * way, the same optimizer weights (names, order), so checkpoints move between them.
 */
import * as tf from '@tensorflow/tfjs';
import { momentumStep } from '../runtime/wasm/momentumStep';

/** What MomentumOptimizer keeps per weight (not public in its typings). */
interface Accumulation {
  originalName: string;
  variable: tf.Variable;
}

export class OnePassMomentum extends tf.MomentumOptimizer {
  override applyGradients(variableGradients: Parameters<tf.MomentumOptimizer['applyGradients']>[0]): void {
    const self = this as unknown as { accumulations: Accumulation[]; m: tf.Scalar; c: tf.Scalar; momentum: number; learningRate: number; useNesterov: boolean };
    if (self.useNesterov) return super.applyGradients(variableGradients);
    const names = Array.isArray(variableGradients) ? variableGradients.map((g) => g.name) : Object.keys(variableGradients);
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name]!;
      self.accumulations[i] ??= { originalName: `${name}/momentum`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const acc = self.accumulations[i]!.variable;
      const grad = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[name];
      if (!grad) return;
      tf.tidy(() => {
        // The scalars TF.js multiplies by: momentum and −lr as float32.
        const fused = momentumStep(value, acc, grad, Math.fround(self.momentum), Math.fround(-self.learningRate));
        const newAcc = fused?.acc ?? tf.add(tf.mul(self.m, acc), grad);
        const newValue = fused?.value ?? tf.add(tf.mul(self.c, newAcc), value);
        acc.assign(newAcc);
        value.assign(newValue);
      });
    });
    this.incrementIterations();
  }
}
